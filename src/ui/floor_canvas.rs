//! Drawing the store floor on two stacked canvases: the plan (walls, shelves, checkout,
//! door) below, and the crowd above (customers, labels, restart lines). A dense crowd is
//! drawn into a pixel buffer in Rust and put on the canvas in one call, so 100,000
//! customers cost one `putImageData`, not 100,000 canvas calls. Only drawing lives here:
//! what to draw comes from `floor_scene.rs`.

use std::f64::consts::TAU;

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::floor_plan::{self, Camera};
use super::floor_scene::{Dot, Look, Scene, BADGE_ANCHOR};

/// Above this many dots (and when not close in) the crowd goes through the pixel buffer.
pub const PIXEL_MODE_ABOVE: usize = 1_500;

pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}

/// Sizes a canvas's backing store to its CSS size × the device pixel ratio.
pub fn fit_canvas(canvas: &HtmlCanvasElement, width: f64, height: f64, dpr: f64) {
    let w = (width * dpr).round().max(1.0) as u32;
    let h = (height * dpr).round().max(1.0) as u32;
    if canvas.width() != w {
        canvas.set_width(w);
    }
    if canvas.height() != h {
        canvas.set_height(h);
    }
}

fn rgba(rgb: u32, alpha: f64) -> String {
    format!(
        "rgba({},{},{},{alpha:.3})",
        rgb >> 16,
        (rgb >> 8) & 0xff,
        rgb & 0xff
    )
}

/// The plan: floor, grid, shelves with what they hold, checkout lanes, the door.
pub fn draw_plan(ctx: &CanvasRenderingContext2d, camera: &Camera, dpr: f64, stopped: bool) {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str("#0d1320");
    ctx.fill_rect(0.0, 0.0, camera.width, camera.height);
    let s = camera.scale;
    let (x0, y0) = camera.to_screen(0.0, 0.0);
    let (fw, fh) = (floor_plan::WIDTH * s, floor_plan::HEIGHT * s);
    ctx.set_fill_style_str("#151e30");
    ctx.fill_rect(x0, y0, fw, fh);
    // Floor tiles, when they are big enough to see.
    let tile = 60.0;
    if tile * s >= 14.0 {
        ctx.set_stroke_style_str("rgba(255,255,255,0.035)");
        ctx.set_line_width(1.0);
        ctx.begin_path();
        let mut x = 0.0;
        while x <= floor_plan::WIDTH {
            let (sx, _) = camera.to_screen(x, 0.0);
            ctx.move_to(sx, y0);
            ctx.line_to(sx, y0 + fh);
            x += tile;
        }
        let mut y = 0.0;
        while y <= floor_plan::HEIGHT {
            let (_, sy) = camera.to_screen(0.0, y);
            ctx.move_to(x0, sy);
            ctx.line_to(x0 + fw, sy);
            y += tile;
        }
        ctx.stroke();
    }
    // Walls, with the door as a gap in the bottom one.
    let (dx0, _) = camera.to_screen(floor_plan::DOOR.x, 0.0);
    let (dx1, _) = camera.to_screen(floor_plan::DOOR.x + floor_plan::DOOR.w, 0.0);
    ctx.set_stroke_style_str("#4a5b7d");
    ctx.set_line_width((4.0 * s).clamp(2.0, 6.0));
    ctx.begin_path();
    ctx.move_to(dx0, y0 + fh);
    ctx.line_to(x0, y0 + fh);
    ctx.line_to(x0, y0);
    ctx.line_to(x0 + fw, y0);
    ctx.line_to(x0 + fw, y0 + fh);
    ctx.line_to(dx1, y0 + fh);
    ctx.stroke();

    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_font("12px system-ui, sans-serif");
    for (i, name) in floor_plan::SHELVES.iter().enumerate() {
        let r = floor_plan::shelf(i);
        let (sx, sy) = camera.to_screen(r.x, r.y);
        ctx.set_fill_style_str("rgba(62,155,255,0.16)");
        ctx.fill_rect(sx, sy, r.w * s, r.h * s);
        ctx.set_stroke_style_str("rgba(62,155,255,0.55)");
        ctx.set_line_width(1.0);
        ctx.stroke_rect(sx, sy, r.w * s, r.h * s);
        if floor_plan::shelf_label(i, camera).is_some() {
            ctx.set_fill_style_str("#c3d3ee");
            let _ = ctx.fill_text(name, sx + r.w * s / 2.0, sy + r.h * s / 2.0 + 0.5);
        }
    }
    // Checkout: one counter a lane.
    let c = floor_plan::CHECKOUT;
    let lanes = floor_plan::CHECKOUT_LANES;
    for lane in 0..lanes {
        let ly = floor_plan::lane_y(lane);
        let (sx, sy) = camera.to_screen(c.x + 20.0, ly - 16.0);
        ctx.set_fill_style_str("rgba(48,164,108,0.22)");
        ctx.fill_rect(sx, sy, (c.w - 30.0) * s, 32.0 * s);
        ctx.set_stroke_style_str("rgba(60,207,134,0.6)");
        ctx.stroke_rect(sx, sy, (c.w - 30.0) * s, 32.0 * s);
    }
    let (cx, cy) = camera.to_screen(c.x + c.w / 2.0, c.y);
    ctx.set_fill_style_str("#7fe0ae");
    let _ = ctx.fill_text("Checkout", cx, cy - 12.0);
    let (tx, ty) = camera.to_screen(
        floor_plan::DOOR.x + floor_plan::DOOR.w / 2.0,
        floor_plan::DOOR.y,
    );
    ctx.set_fill_style_str("rgba(255,178,36,0.3)");
    ctx.fill_rect(dx0, y0 + fh - 6.0, dx1 - dx0, 6.0);
    ctx.set_fill_style_str("#ffd27a");
    let _ = ctx.fill_text("Door", tx, ty - 10.0);

    if stopped {
        ctx.set_fill_style_str("rgba(13,19,32,0.72)");
        ctx.fill_rect(0.0, 0.0, camera.width, camera.height);
    }
}

/// Draws the dense crowd into `buffer` (device pixels, RGBA) and puts it on the canvas.
fn put_crowd_pixels(
    ctx: &CanvasRenderingContext2d,
    canvas: &HtmlCanvasElement,
    dots: &[Dot],
    radius: f64,
    dpr: f64,
    buffer: &mut Vec<u8>,
) {
    let (w, h) = (canvas.width() as usize, canvas.height() as usize);
    buffer.clear();
    buffer.resize(w * h * 4, 0);
    // A dot is a disc of whole pixels: a mask worked out once per frame.
    let side = ((2.0 * radius * dpr).round() as usize).clamp(1, 8);
    let half = (side / 2) as isize;
    let rr = (side as f64 / 2.0).powi(2) + 0.25;
    let mask: Vec<bool> = (0..side * side)
        .map(|i| {
            let (x, y) = ((i % side) as f64 + 0.5, (i / side) as f64 + 0.5);
            side <= 2 || (x - side as f64 / 2.0).powi(2) + (y - side as f64 / 2.0).powi(2) <= rr
        })
        .collect();
    for d in dots {
        let rgb = d.look.rgb();
        let px = [(rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8, 255u8];
        let cx = (d.x as f64 * dpr) as isize - half;
        let cy = (d.y as f64 * dpr) as isize - half;
        for yy in cy.max(0)..(cy + side as isize).min(h as isize) {
            let row = yy as usize * w;
            let my = (yy - cy) as usize * side;
            for xx in cx.max(0)..(cx + side as isize).min(w as isize) {
                if mask[my + (xx - cx) as usize] {
                    let i = (row + xx as usize) * 4;
                    buffer[i..i + 4].copy_from_slice(&px);
                }
            }
        }
    }
    if let Ok(image) =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buffer[..]), w as u32, h as u32)
    {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }
}

/// The crowd layer: customers, cart badges, labels and restart lines.
pub fn draw_crowd(
    ctx: &CanvasRenderingContext2d,
    canvas: &HtmlCanvasElement,
    scene: &Scene,
    dpr: f64,
    reduced_motion: bool,
    buffer: &mut Vec<u8>,
) {
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
    let r = scene.radius;
    let pixel_mode = scene.dots.len() > PIXEL_MODE_ABOVE && !scene.detail;
    if pixel_mode {
        // Killed customers are drawn on top as vectors, so they stand out in any crowd.
        let (calm, hurt): (Vec<Dot>, Vec<Dot>) = scene
            .dots
            .iter()
            .partition(|d| !matches!(d.look, Look::Killed | Look::Restarted));
        put_crowd_pixels(ctx, canvas, &calm, r, dpr, buffer);
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        for d in &hurt {
            draw_figure(ctx, d, r.max(4.0), true, reduced_motion);
        }
    } else {
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        for d in &scene.dots {
            draw_figure(ctx, d, r, scene.detail, reduced_motion);
        }
    }
    if scene.stopped {
        return;
    }
    // Restart lines: from the SessionSupervisor's badge to the customer, a pulse along it.
    for link in &scene.links {
        let (ax, ay) = BADGE_ANCHOR;
        ctx.set_stroke_style_str("rgba(255,178,36,0.85)");
        ctx.set_line_width(2.0);
        let _ = ctx.set_line_dash(&js_dash(&[6.0, 4.0]));
        ctx.begin_path();
        ctx.move_to(ax, ay);
        ctx.line_to(link.to.0, link.to.1);
        ctx.stroke();
        let _ = ctx.set_line_dash(&js_dash(&[]));
        let (px, py) = (
            ax + (link.to.0 - ax) * link.progress,
            ay + (link.to.1 - ay) * link.progress,
        );
        ctx.set_fill_style_str("#ffb224");
        ctx.begin_path();
        let _ = ctx.arc(px, py, 5.0, 0.0, TAU);
        ctx.fill();
    }
    // Captions are DOM text; here only the leader from each to its figure.
    ctx.set_stroke_style_str("rgba(255,255,255,0.55)");
    ctx.set_line_width(1.0);
    for cap in scene.captions.iter().filter(|c| c.on_screen) {
        let (fx, fy) = cap.at;
        let bx = fx.clamp(cap.rect.x, cap.rect.x + cap.rect.w);
        let by = if fy < cap.rect.y {
            cap.rect.y
        } else {
            cap.rect.y + cap.rect.h
        };
        ctx.begin_path();
        ctx.move_to(bx, by);
        ctx.line_to(fx, fy);
        ctx.stroke();
    }
    // Labels: key and pid, each on a dark plate, never over another label.
    ctx.set_font("12px ui-monospace, Menlo, Consolas, monospace");
    ctx.set_text_align("left");
    ctx.set_text_baseline("top");
    for label in &scene.labels {
        let rc = label.rect;
        ctx.set_fill_style_str("rgba(10,14,24,0.82)");
        ctx.fill_rect(rc.x, rc.y, rc.w, rc.h);
        ctx.set_fill_style_str("#e6eaf2");
        let _ = ctx.fill_text(&format!(":{}", label.key), rc.x + 4.0, rc.y + 2.0);
        ctx.set_fill_style_str("#a3b1c9");
        let _ = ctx.fill_text(&label.pid, rc.x + 4.0, rc.y + 17.0);
    }
}

fn js_dash(values: &[f64]) -> wasm_bindgen::JsValue {
    let array = js_sys::Array::new();
    for v in values {
        array.push(&wasm_bindgen::JsValue::from_f64(*v));
    }
    array.into()
}

/// One customer: a dot far out; close in, a figure with an outline and its cart badge. A
/// killed one breaks apart (or, with reduced motion, shows a cross), then waits as an
/// outline for its supervisor.
fn draw_figure(
    ctx: &CanvasRenderingContext2d,
    d: &Dot,
    r: f64,
    detail: bool,
    reduced_motion: bool,
) {
    let (x, y) = (d.x as f64, d.y as f64);
    match d.look {
        Look::Killed if d.shatter < 1.0 && !reduced_motion => {
            // A red ring goes out from the spot, and fragments fly apart and fade.
            let t = d.shatter as f64;
            ctx.set_stroke_style_str(&rgba(Look::Killed.rgb(), 1.0 - t));
            ctx.set_line_width(3.0);
            ctx.begin_path();
            let _ = ctx.arc(x, y, r.max(4.0) * (1.0 + 3.0 * t), 0.0, TAU);
            ctx.stroke();
            ctx.set_fill_style_str(&rgba(Look::Killed.rgb(), 1.0 - t * 0.8));
            for k in 0..8 {
                let a = k as f64 * TAU / 8.0 + 0.3;
                let dist = r * (0.3 + 2.6 * t);
                let s = (r.max(4.0) * 0.7 * (1.0 - 0.5 * t)).max(2.0);
                ctx.fill_rect(
                    x + a.cos() * dist - s / 2.0,
                    y + a.sin() * dist - s / 2.0,
                    s,
                    s,
                );
            }
            return;
        }
        Look::Killed => {
            // Dead: a red outline with a cross where the figure was.
            let rr = r.max(3.0);
            ctx.set_stroke_style_str("#ff4d55");
            ctx.set_line_width(2.0);
            ctx.begin_path();
            let _ = ctx.arc(x, y, rr, 0.0, TAU);
            ctx.move_to(x - rr * 0.6, y - rr * 0.6);
            ctx.line_to(x + rr * 0.6, y + rr * 0.6);
            ctx.move_to(x + rr * 0.6, y - rr * 0.6);
            ctx.line_to(x - rr * 0.6, y + rr * 0.6);
            ctx.stroke();
            return;
        }
        _ => {}
    }
    let rgb = d.look.rgb();
    if d.look == Look::Restarted {
        ctx.set_fill_style_str("rgba(255,178,36,0.35)");
        ctx.begin_path();
        let _ = ctx.arc(x, y, r * 2.2 + 3.0, 0.0, TAU);
        ctx.fill();
    }
    ctx.set_fill_style_str(&format!("#{rgb:06x}"));
    if !detail {
        if r < 1.8 {
            let s = (2.0 * r).max(1.5);
            ctx.fill_rect(x - s / 2.0, y - s / 2.0, s, s);
        } else {
            ctx.begin_path();
            let _ = ctx.arc(x, y, r, 0.0, TAU);
            ctx.fill();
        }
        return;
    }
    ctx.begin_path();
    let _ = ctx.arc(x, y, r, 0.0, TAU);
    ctx.fill();
    ctx.set_stroke_style_str("#0a0e18");
    ctx.set_line_width(1.5);
    ctx.stroke();
    if d.items > 0 && r >= 6.0 {
        let (bx, by) = (x + r * 0.95, y - r * 0.95);
        ctx.set_fill_style_str("#ffb224");
        ctx.begin_path();
        let _ = ctx.arc(bx, by, 8.0, 0.0, TAU);
        ctx.fill();
        ctx.set_fill_style_str("#111");
        ctx.set_font("bold 12px ui-monospace, Menlo, monospace");
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        let n = if d.items > 99 {
            "99+".to_string()
        } else {
            d.items.to_string()
        };
        let _ = ctx.fill_text(&n, bx, by + 0.5);
    }
}
