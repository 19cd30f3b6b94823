//! The store floor without a browser: the plan and camera, and the scene the canvas draws
//! (every customer drawn, labels that never pile up, buttons that keep keyboard focus).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use redfour::store::session_store::{MemoryBackend, SharedBackend};
use redfour::ui::floor_plan::{self, Camera};
use redfour::ui::floor_scene::{self, Look};
use redfour::ui::sim::{Action, Settings, Sim};

fn store(sessions: usize) -> Sim {
    let backend: SharedBackend = Rc::new(RefCell::new(MemoryBackend::default()));
    let settings = Settings {
        arrivals_per_minute: 0.0,
        ..Settings::default()
    };
    let mut sim = Sim::new(settings, backend);
    sim.apply(Action::AddSessions(sessions));
    // Past the walk in from the door.
    for _ in 0..120 {
        sim.apply(Action::Frame(16.0));
    }
    sim
}

#[test]
fn the_camera_fits_the_floor_and_zooms_about_the_pointer() {
    let c = Camera::fit(800.0, 400.0);
    assert!(c.shows(0.0, 0.0, 0.5) && c.shows(floor_plan::WIDTH, floor_plan::HEIGHT, 0.5));
    assert!((c.zoom() - 1.0).abs() < 1e-9);
    let before = c.to_world(300.0, 120.0);
    let z = c.zoom_at(300.0, 120.0, 3.0);
    let after = z.to_world(300.0, 120.0);
    assert!((before.0 - after.0).abs() < 1e-6 && (before.1 - after.1).abs() < 1e-6);
    assert!((z.zoom() - 3.0).abs() < 1e-9);
    // Zoom has limits, and garbage input changes nothing.
    assert!((c.zoom_at(0.0, 0.0, 1e9).zoom() - floor_plan::MAX_ZOOM).abs() < 1e-9);
    assert_eq!(c.zoom_at(0.0, 0.0, f64::NAN), c);
    assert_eq!(c.pan(f64::INFINITY, 0.0), c);
    // A pan cannot lose the floor.
    let lost = z.pan(1e7, 1e7);
    assert!(lost.x > -lost.width / lost.scale && lost.y > -lost.height / lost.scale);
}

#[test]
fn customers_stand_in_the_aisles_never_on_a_shelf() {
    for n in 0..2_000 {
        let key = format!("customer_{n}");
        for items in [0, 3, 9] {
            let (aisle, x, y) = floor_plan::home(&key, items);
            assert!(aisle < floor_plan::AISLES);
            for s in 0..floor_plan::SHELVES.len() {
                assert!(!floor_plan::shelf(s).contains(x, y), "{key} on shelf {s}");
            }
            assert!(x > 0.0 && x < floor_plan::WIDTH && y > 0.0 && y < floor_plan::HEIGHT);
        }
    }
}

#[test]
fn with_two_thousand_sessions_every_one_is_drawn() {
    let sim = store(2_000);
    let scene = floor_scene::build(&sim, &Camera::fit(760.0, 440.0), None, None);
    assert_eq!(scene.live, 2_000);
    assert_eq!(scene.drawn, 2_000);
    assert!(scene.dots.len() >= 2_000);
    assert!(scene.targets.len() <= floor_scene::TARGET_LIMIT);
}

#[test]
fn labels_never_cover_one_another_nor_another_customer() {
    for n in [10, 60, 300] {
        let sim = store(n);
        for zoom in [1.0, 2.5] {
            let cam = Camera::fit(760.0, 440.0).zoom_at(380.0, 220.0, zoom);
            let scene = floor_scene::build(&sim, &cam, None, None);
            for a in &scene.labels {
                let r = a.rect;
                assert!(
                    r.x >= 0.0 && r.y >= 0.0 && r.x + r.w <= cam.width && r.y + r.h <= cam.height,
                    "{n}: label {} cut off by the floor's edge: {r:?}",
                    a.key
                );
            }
            for (i, a) in scene.labels.iter().enumerate() {
                for b in &scene.labels[i + 1..] {
                    assert!(
                        !a.rect.intersects(&b.rect),
                        "{n} customers: {a:?} over {b:?}"
                    );
                }
                for d in &scene.dots {
                    let r = scene.radius;
                    let fig =
                        floor_plan::Rect::new(d.x as f64 - r, d.y as f64 - r, 2.0 * r, 2.0 * r);
                    let own = scene.targets.iter().any(|t| {
                        t.key == a.key
                            && (t.x - d.x as f64).abs() < 0.01
                            && (t.y - d.y as f64).abs() < 0.01
                    });
                    assert!(
                        own || !a.rect.intersects(&fig),
                        "{n}: label {} over a figure",
                        a.key
                    );
                }
            }
        }
    }
    // Ten customers at the default size: most of them are labelled.
    let sim = store(10);
    let scene = floor_scene::build(&sim, &Camera::fit(760.0, 440.0), None, None);
    assert!(scene.detail);
    assert!(
        scene.labels.len() >= 7,
        "{} of 10 labelled",
        scene.labels.len()
    );
}

#[test]
fn far_out_a_crowd_is_dots_coloured_by_cart() {
    let sim = store(3_000);
    let scene = floor_scene::build(&sim, &Camera::fit(760.0, 440.0), None, None);
    assert!(!scene.detail, "3,000 customers at fit are dots");
    assert!(scene.labels.is_empty());
    assert!(scene.dots.iter().all(|d| d.look == Look::for_cart(d.items)));
}

#[test]
fn the_focused_customer_keeps_its_button_in_any_crowd() {
    let sim = store(1_000);
    let cam = Camera::fit(760.0, 440.0);
    let last = sim.customers().last().unwrap().key.to_string();
    let plain = floor_scene::build(&sim, &cam, None, None);
    assert!(plain.targets.iter().all(|t| t.key.as_ref() != last));
    let focused = floor_scene::build(&sim, &cam, Some(&last), None);
    assert!(focused.targets.iter().any(|t| t.key.as_ref() == last));
    // Buttons come in key order, whatever the positions.
    let keys: Vec<_> = focused.targets.iter().map(|t| t.key.clone()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn arrow_keys_find_the_nearest_customer_in_that_direction() {
    let sim = store(40);
    let cam = Camera::fit(760.0, 440.0);
    let from = sim.customers().next().unwrap().clone();
    let (fx, fy) = cam.to_screen(sim.position_of(&from).0, sim.position_of(&from).1);
    for (dir, name) in [
        ((1.0, 0.0), "right"),
        ((-1.0, 0.0), "left"),
        ((0.0, 1.0), "down"),
        ((0.0, -1.0), "up"),
    ] {
        if let Some(k) = floor_scene::neighbour(&sim, &cam, &from.key, dir) {
            let c = sim.customer(&k).unwrap();
            let (x, y) = cam.to_screen(sim.position_of(c).0, sim.position_of(c).1);
            assert!(
                (x - fx) * dir.0 + (y - fy) * dir.1 > 0.0,
                "{name}: {k} is not {name} of {}",
                from.key
            );
        }
    }
}

#[test]
fn a_click_finds_the_customer_under_the_pointer() {
    let sim = store(50);
    let cam = Camera::fit(760.0, 440.0);
    let c = sim.customers().nth(7).unwrap().clone();
    let (x, y) = cam.to_screen(sim.position_of(&c).0, sim.position_of(&c).1);
    assert_eq!(
        floor_scene::nearest(&sim, &cam, x + 1.0, y - 1.0, 10.0).as_deref(),
        Some(c.key.as_ref())
    );
    assert_eq!(floor_scene::nearest(&sim, &cam, -500.0, -500.0, 10.0), None);
}

#[test]
fn a_crash_shows_a_caption_and_a_line_from_the_supervisor() {
    let mut sim = store(20);
    let key = sim.customers().nth(3).unwrap().key.to_string();
    sim.apply(Action::KillKey(key.clone()));
    let cam = Camera::fit(760.0, 440.0);
    let scene = floor_scene::build(&sim, &cam, None, None);
    let cap = scene
        .captions
        .iter()
        .find(|c| c.key.as_ref() == key)
        .expect("a caption");
    assert!(cap.text.starts_with("killed · <0."), "{}", cap.text);
    assert!(scene.dots.iter().any(|d| d.look == Look::Killed));
    for _ in 0..45 {
        sim.apply(Action::Frame(16.0));
    }
    let scene = floor_scene::build(&sim, &cam, None, None);
    assert_eq!(
        scene.links.len(),
        1,
        "the supervisor's line while it restarts"
    );
    for _ in 0..40 {
        sim.apply(Action::Frame(16.0));
    }
    let scene = floor_scene::build(&sim, &cam, None, None);
    let cap = scene
        .captions
        .iter()
        .find(|c| c.key.as_ref() == key)
        .unwrap();
    assert!(
        cap.text
            .starts_with("restarted by Redfour.SessionSupervisor"),
        "{}",
        cap.text
    );
    assert!(cap.fate.is_some());
}

#[test]
fn a_shelfs_name_sits_mid_shelf_on_screen_and_is_not_drawn_when_it_cannot_fit() {
    use redfour::ui::floor_plan::{shelf_label, SHELVES};
    let cam = Camera::fit(1200.0, 700.0);
    for i in 0..SHELVES.len() {
        let label = shelf_label(i, &cam).expect("a laptop's floor has room for the names");
        let r = floor_plan::shelf(i);
        let (sx, sy) = cam.to_screen(r.x + r.w / 2.0, r.y + r.h / 2.0);
        assert!((label.x + label.w / 2.0 - sx).abs() < 0.5);
        assert!((label.y + label.h / 2.0 - sy).abs() < 0.5);
        assert!(label.w > 100.0 && label.w < 260.0, "{}", label.w);
    }
    let tiny = Camera::fit(150.0, 100.0);
    assert!(
        shelf_label(0, &tiny).is_none(),
        "too short a shelf shows no name"
    );
}
