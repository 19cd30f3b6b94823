//! One frame of the store floor, worked out without a browser: every customer in view as a
//! dot or a figure (coloured by what it is doing), the labels that fit without covering one
//! another, the crash stories' captions, the lines from the SessionSupervisor to the
//! customers it is bringing back, and the customers that get an accessible button. The
//! component (`floor.rs`) lays out the buttons and captions from it; `floor_canvas.rs`
//! draws the rest. Both read the same scene, so what is drawn and what can be clicked agree.

use std::rc::Rc;

use super::crash_story::Beat;
use super::floor_plan::{self, Camera, Rect};
use super::sim::Sim;

/// What a customer is doing, which gives its colour (see the legend).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    Entering,
    Browsing,
    /// A small cart (1–2 items), a medium one (3–5), a full one (6 or more).
    CartSmall,
    CartMedium,
    CartFull,
    /// Paying at the checkout after a sale, then walking out.
    Checkout,
    /// Walking out without buying (or after paying).
    Leaving,
    /// Killed: the figure breaks apart, then waits for its supervisor.
    Killed,
    /// Just brought back by its supervisor.
    Restarted,
}

impl Look {
    pub fn for_cart(items: i64) -> Look {
        match items {
            i64::MIN..=0 => Look::Browsing,
            1..=2 => Look::CartSmall,
            3..=5 => Look::CartMedium,
            _ => Look::CartFull,
        }
    }

    /// Colour as 0xRRGGBB.
    pub fn rgb(self) -> u32 {
        match self {
            Look::Entering => 0x9cc9ff,
            Look::Browsing => 0x3e9bff,
            Look::CartSmall => 0xffe08a,
            Look::CartMedium => 0xffb224,
            Look::CartFull => 0xff7a1a,
            Look::Checkout => 0x3ccf86,
            Look::Leaving => 0x8a96ad,
            Look::Killed => 0xff4d55,
            Look::Restarted => 0xffffff,
        }
    }

    pub fn css(self) -> String {
        format!("#{:06x}", self.rgb())
    }

    /// The legend's text.
    pub fn meaning(self) -> &'static str {
        match self {
            Look::Entering => "walking in",
            Look::Browsing => "browsing, empty cart",
            Look::CartSmall => "cart: 1–2 items",
            Look::CartMedium => "cart: 3–5 items",
            Look::CartFull => "cart: 6+ items",
            Look::Checkout => "paying at the checkout",
            Look::Leaving => "leaving",
            Look::Killed => "killed, restarting",
            Look::Restarted => "just restarted",
        }
    }

    pub const LEGEND: [Look; 8] = [
        Look::Entering,
        Look::Browsing,
        Look::CartSmall,
        Look::CartMedium,
        Look::CartFull,
        Look::Checkout,
        Look::Leaving,
        Look::Killed,
    ];
}

/// A customer to draw, in screen pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    pub x: f32,
    pub y: f32,
    pub look: Look,
    /// Cart items (drawn as a badge close in).
    pub items: i64,
    /// 0..1 through a crash's first beat (the break-apart), else 0.
    pub shatter: f32,
}

/// A label beside a figure: its key and pid, placed where it covers no other label.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub key: Rc<str>,
    pub pid: String,
    pub rect: Rect,
}

/// A customer with an accessible button over its figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub key: Rc<str>,
    /// The pid the figure shows (the old one while its crash story says "killed").
    pub pid: String,
    pub items: i64,
    pub x: f64,
    pub y: f64,
    pub live: bool,
}

/// A crash story's caption, near the figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    pub key: Rc<str>,
    pub headline: String,
    pub fate: Option<String>,
    pub beat: Beat,
    pub rect: Rect,
    /// The figure it belongs to, and whether that is on screen.
    pub at: (f64, f64),
    pub on_screen: bool,
    /// The whole text in one line.
    pub text: String,
}

/// A restart drawn as a line from the SessionSupervisor's badge to the customer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub to: (f64, f64),
    /// 0..1 along the line (a pulse travels from the supervisor to the customer).
    pub progress: f64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scene {
    pub dots: Vec<Dot>,
    pub labels: Vec<Label>,
    pub targets: Vec<Target>,
    pub captions: Vec<Caption>,
    pub links: Vec<Link>,
    /// Figure radius in pixels.
    pub radius: f64,
    /// Close in: figures with outlines and cart badges. (Labels are drawn wherever they fit
    /// when at most `LABEL_TRY_LIMIT` customers are in view.)
    pub detail: bool,
    /// Live sessions, and live sessions drawn (in view) this frame.
    pub live: usize,
    pub drawn: usize,
    /// Customers walking out, drawn this frame.
    pub walking_out: usize,
    /// The application is not running: the floor is greyed out.
    pub stopped: bool,
}

/// At most this many customers get a button (those with labels and stories first).
pub const TARGET_LIMIT: usize = 150;
/// Labels are tried for at most this many customers in view (beyond, there is no room).
pub const LABEL_TRY_LIMIT: usize = 600;
/// Captions shown at once (the newest stories).
pub const CAPTION_LIMIT: usize = 6;
/// Label text: 12 px monospace, about 7.3 px a character; two lines.
pub const LABEL_CHAR_W: f64 = 7.3;
pub const LABEL_H: f64 = 32.0;
pub const CAPTION_CHAR_W: f64 = 7.4;
/// The SessionSupervisor's badge, pinned to the floor's top-left corner (screen pixels):
/// restart lines start here.
pub const BADGE_ANCHOR: (f64, f64) = (16.0, 44.0);
pub const BADGE_RECT: Rect = Rect::new(8.0, 8.0, 250.0, 44.0);

/// Where the plan's own labels are, in screen pixels (labels must not cover them).
fn plan_label_rects(camera: &Camera) -> Vec<Rect> {
    let mut rects = vec![BADGE_RECT];
    // A shelf's name, centred on it (labels may cover the rest of the shelf).
    for (i, name) in floor_plan::SHELVES.iter().enumerate() {
        let s = floor_plan::shelf(i);
        let (cx, cy) = camera.to_screen(s.x + s.w / 2.0, s.y + s.h / 2.0);
        let w = name.chars().count() as f64 * 7.0 + 12.0;
        rects.push(Rect::new(cx - w / 2.0, cy - 9.0, w, 18.0));
    }
    let c = floor_plan::CHECKOUT;
    let (x, y) = camera.to_screen(c.x, c.y);
    rects.push(Rect::new(x, y, c.w * camera.scale, c.h * camera.scale));
    let (dx, dy) = camera.to_screen(floor_plan::DOOR.x, floor_plan::DOOR.y);
    rects.push(Rect::new(
        dx,
        dy - 18.0,
        floor_plan::DOOR.w * camera.scale,
        20.0,
    ));
    rects
}

/// Figure radius: 10 world units, but smaller in a dense crowd so dots do not merge.
fn radius(camera: &Camera, in_view: usize) -> f64 {
    let aisle_area = (floor_plan::SHELF_X1 - floor_plan::SHELF_X0)
        * floor_plan::HEIGHT
        * 0.6
        * camera.scale
        * camera.scale
        * camera.zoom().recip().min(1.0);
    let dense = 0.3 * (aisle_area / in_view.max(1) as f64).sqrt();
    (10.0 * camera.scale).min(dense).clamp(0.8, 14.0)
}

/// A spot for a label beside its figure, inside the viewport and where `blocked` says
/// nothing is.
fn place_label(
    text_w: f64,
    fig: (f64, f64),
    r: f64,
    blocked: impl Fn(&Rect) -> bool,
    view: (f64, f64),
) -> Option<Rect> {
    let w = text_w;
    let h = LABEL_H;
    let (x, y) = fig;
    let options = [
        Rect::new(x + r + 3.0, y - h / 2.0, w, h),
        Rect::new(x - r - 3.0 - w, y - h / 2.0, w, h),
        Rect::new(x - w / 2.0, y + r + 2.0, w, h),
        Rect::new(x - w / 2.0, y - r - 2.0 - h, w, h),
    ];
    let inside = |o: &Rect| {
        o.x >= 2.0 && o.y >= 2.0 && o.x + o.w <= view.0 - 2.0 && o.y + o.h <= view.1 - 2.0
    };
    options.into_iter().find(|o| inside(o) && !blocked(o))
}

/// Works out the frame. `focused` is the customer whose button has keyboard focus (it keeps
/// its button whatever the crowd); `hovered` likewise.
pub fn build(sim: &Sim, camera: &Camera, focused: Option<&str>, hovered: Option<&str>) -> Scene {
    let wall = sim.wall_ms;
    let margin = 20.0;
    let mut scene = Scene {
        live: sim.session_count(),
        stopped: !sim.app_running(),
        ..Scene::default()
    };

    // Customers in view, with their screen positions.
    struct InView<'a> {
        c: &'a super::sim::Customer,
        sx: f64,
        sy: f64,
        look: Look,
        story: bool,
        shatter: f32,
    }
    let mut in_view: Vec<InView> = Vec::new();
    for c in sim.customers() {
        let (wx, wy) = sim.position_of(c);
        if !camera.shows(wx, wy, margin) {
            continue;
        }
        let (sx, sy) = camera.to_screen(wx, wy);
        let story = sim.story(&c.key);
        let (look, shatter) = match story.map(|s| (s.beat(wall), s.progress(wall))) {
            Some((Beat::Killed, p)) => (Look::Killed, p as f32),
            Some((Beat::Restarting, _)) => (Look::Killed, 1.0),
            Some((Beat::Back, p)) if p < 0.35 => (Look::Restarted, 0.0),
            _ if wall - c.arrived < super::sim::WALK_MS => (Look::Entering, 0.0),
            _ => (Look::for_cart(c.items), 0.0),
        };
        in_view.push(InView {
            c,
            sx,
            sy,
            look,
            story: story.is_some(),
            shatter,
        });
    }
    scene.drawn = in_view.iter().filter(|v| v.c.live).count();
    let r = radius(camera, in_view.len());
    scene.radius = r;
    scene.detail = r >= 3.5;

    scene.dots.reserve(in_view.len());
    for v in &in_view {
        scene.dots.push(Dot {
            x: v.sx as f32,
            y: v.sy as f32,
            look: v.look,
            items: v.c.items,
            shatter: v.shatter,
        });
    }
    for w in sim.walkers() {
        let ((wx, wy), at_checkout) = w.position(wall);
        if camera.shows(wx, wy, margin) {
            let (sx, sy) = camera.to_screen(wx, wy);
            scene.dots.push(Dot {
                x: sx as f32,
                y: sy as f32,
                look: if at_checkout {
                    Look::Checkout
                } else {
                    Look::Leaving
                },
                items: 0,
                shatter: 0.0,
            });
            scene.walking_out += 1;
        }
    }

    // Captions first (they matter most), newest stories first.
    let mut placed = plan_label_rects(camera);
    let mut stories: Vec<_> = sim.stories().collect();
    crate::sorting::sort_by(&mut stories, |a, b| b.started.total_cmp(&a.started));
    for story in stories.into_iter().take(CAPTION_LIMIT) {
        let beat = story.beat(wall);
        if beat == Beat::Over {
            continue;
        }
        let at = match sim.customer(&story.key) {
            Some(c) => sim.position_of(c),
            None => story.at,
        };
        let on_screen = camera.shows(at.0, at.1, 0.0);
        let (sx, sy) = camera.to_screen(at.0, at.1);
        let headline = story.headline(wall);
        let fate = matches!(beat, Beat::Back)
            .then(|| story.fate())
            .flatten()
            .filter(|_| story.new.is_some());
        let chars = headline
            .chars()
            .count()
            .max(fate.as_ref().map_or(0, |f| f.chars().count()));
        let w = chars as f64 * CAPTION_CHAR_W + 18.0;
        let h = if fate.is_some() { 42.0 } else { 24.0 };
        let clamp_x = |x: f64| x.clamp(4.0, (camera.width - w - 4.0).max(4.0));
        let clamp_y = |y: f64| y.clamp(4.0, (camera.height - h - 4.0).max(4.0));
        let mut rect = Rect::new(clamp_x(sx - w / 2.0), clamp_y(sy - r - 10.0 - h), w, h);
        // Move down (then up) until it covers no other caption.
        let mut tries = 0usize;
        while scene.captions.iter().any(|c| c.rect.intersects(&rect)) && tries < 12 {
            tries += 1;
            let sign = if tries % 2 == 1 { 1.0 } else { -1.0 };
            let step = sign * (h + 4.0) * tries.div_ceil(2) as f64;
            rect = Rect::new(rect.x, clamp_y(sy - r - 10.0 - h + step), w, h);
        }
        placed.push(rect);
        let text = story.caption(wall);
        scene.captions.push(Caption {
            key: story.key.clone(),
            headline,
            fate,
            beat,
            rect,
            at: (sx, sy),
            on_screen,
            text,
        });
        // The restart line: the pulse travels while it restarts, and stays a moment after.
        let link = match beat {
            Beat::Restarting => Some(story.progress(wall)),
            Beat::Back if story.progress(wall) < 0.2 => Some(1.0),
            _ => None,
        };
        if let Some(progress) = link.filter(|_| story.new.is_some()) {
            scene.links.push(Link {
                to: (sx, sy),
                progress,
            });
        }
    }

    // Labels, where they fit: the focused, hovered and story customers first, then in key
    // order. A label is skipped rather than drawn over another one.
    let priority = |v: &InView| -> u8 {
        if Some(v.c.key.as_ref()) == focused || Some(v.c.key.as_ref()) == hovered {
            0
        } else if v.story {
            1
        } else {
            2
        }
    };
    let mut order: Vec<usize> = Vec::new();
    if in_view.len() <= LABEL_TRY_LIMIT {
        order = (0..in_view.len()).collect();
        crate::sorting::sort_by_key(&mut order, |&i| priority(&in_view[i]));
        let mut labelled = vec![false; in_view.len()];
        // Figures themselves are obstacles too: a label never covers another customer.
        let figures: Vec<Rect> = in_view
            .iter()
            .map(|v| Rect::new(v.sx - r, v.sy - r, 2.0 * r, 2.0 * r))
            .collect();
        for &i in &order {
            let v = &in_view[i];
            let pid = sim.shown_pid(v.c).short();
            let key_text = format!(":{}", v.c.key);
            let w = key_text.chars().count().max(pid.len()) as f64 * LABEL_CHAR_W + 8.0;
            let blocked = |o: &Rect| {
                placed.iter().any(|p| p.intersects(o))
                    || figures
                        .iter()
                        .enumerate()
                        .any(|(j, f)| j != i && f.intersects(o))
            };
            if let Some(rect) =
                place_label(w, (v.sx, v.sy), r, blocked, (camera.width, camera.height))
            {
                placed.push(rect);
                labelled[i] = true;
                scene.labels.push(Label {
                    key: v.c.key.clone(),
                    pid,
                    rect,
                });
            }
        }
        // Buttons: focused and hovered first, then stories, labelled customers, the rest.
        crate::sorting::sort_by_key(&mut order, |&i| (priority(&in_view[i]), !labelled[i]));
    } else {
        // A crowd too large to label: the focused, hovered and story customers, then the
        // first in key order.
        order.extend((0..in_view.len()).filter(|&i| priority(&in_view[i]) < 2));
        order.extend(
            (0..in_view.len())
                .filter(|&i| priority(&in_view[i]) == 2)
                .take(TARGET_LIMIT),
        );
    }
    for &i in order.iter() {
        let v = &in_view[i];
        let keep = priority(v) == 0;
        if scene.targets.len() >= TARGET_LIMIT && !keep {
            continue;
        }
        scene.targets.push(Target {
            key: v.c.key.clone(),
            pid: sim.shown_pid(v.c).short(),
            items: v.c.items,
            x: v.sx,
            y: v.sy,
            live: v.c.live,
        });
    }
    // In key order, so buttons keep their place in the tab order as customers move.
    crate::sorting::sort_by(&mut scene.targets, |a, b| a.key.cmp(&b.key));
    scene
}

/// The customer nearest to a screen point, within `reach` pixels (for clicks and hovers on
/// the canvas, whatever the crowd).
pub fn nearest(sim: &Sim, camera: &Camera, sx: f64, sy: f64, reach: f64) -> Option<Rc<str>> {
    let mut best: Option<(f64, Rc<str>)> = None;
    for c in sim.customers() {
        let (wx, wy) = sim.position_of(c);
        let (x, y) = camera.to_screen(wx, wy);
        let d = (x - sx).powi(2) + (y - sy).powi(2);
        if d <= reach * reach && best.as_ref().is_none_or(|(bd, _)| d < *bd) {
            best = Some((d, c.key.clone()));
        }
    }
    best.map(|(_, k)| k)
}

/// Arrow keys: the nearest customer in view in a direction from `from` (dx, dy is the
/// direction: (1, 0) is right). Straight ahead is preferred over off to the side.
pub fn neighbour(sim: &Sim, camera: &Camera, from: &str, dir: (f64, f64)) -> Option<Rc<str>> {
    let origin = sim.customer(from).map(|c| sim.position_of(c))?;
    let (ox, oy) = camera.to_screen(origin.0, origin.1);
    let mut best: Option<(f64, Rc<str>)> = None;
    for c in sim.customers() {
        if c.key.as_ref() == from {
            continue;
        }
        let (wx, wy) = sim.position_of(c);
        if !camera.shows(wx, wy, 0.0) {
            continue;
        }
        let (x, y) = camera.to_screen(wx, wy);
        let (dx, dy) = (x - ox, y - oy);
        let ahead = dx * dir.0 + dy * dir.1;
        if ahead <= 0.5 {
            continue;
        }
        let side = (dx * dir.1 - dy * dir.0).abs();
        let score = ahead + 2.0 * side;
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, c.key.clone()));
        }
    }
    best.map(|(_, k)| k)
}
