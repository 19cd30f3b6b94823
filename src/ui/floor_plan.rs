//! The store's plan in world units (1 unit ≈ 1 cm of shop floor): walls, shelves with the
//! aisles between them, the checkout lanes and the door; where each customer browses, the
//! paths they walk in and out along the aisles; and the camera (zoom and pan) that maps the
//! plan onto the screen. Plain Rust with no browser crate, so every rule here is tested
//! natively; `floor_canvas.rs` draws it.

/// The floor's size in world units.
pub const WIDTH: f64 = 1200.0;
pub const HEIGHT: f64 = 720.0;

/// A rectangle in world units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
    /// The area two rectangles share.
    pub fn overlap(&self, o: &Rect) -> f64 {
        let w = (self.x + self.w).min(o.x + o.w) - self.x.max(o.x);
        let h = (self.y + self.h).min(o.y + o.h) - self.y.max(o.y);
        w.max(0.0) * h.max(0.0)
    }
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
}

/// Shelves, top to bottom, with what they hold (the Catalog's products).
pub const SHELVES: [&str; 5] = [
    "Pressure helmets · Sun visors",
    "EVA suits · Jet packs",
    "Mag boots · Safety tethers",
    "Freeze-dried rations",
    "Zero-g mugs · Gifts",
];
/// The shelves' left and right ends.
pub const SHELF_X0: f64 = 190.0;
pub const SHELF_X1: f64 = 930.0;
const SHELF_TOP: f64 = 110.0;
const SHELF_PITCH: f64 = 120.0;
const SHELF_H: f64 = 22.0;
/// The corridor along the left wall (from the door up to the aisles).
pub const LEFT_CORRIDOR_X: f64 = 110.0;
/// The corridor in front of the checkout.
pub const RIGHT_CORRIDOR_X: f64 = 985.0;
/// The checkout counters along the right wall.
pub const CHECKOUT: Rect = Rect::new(1040.0, 120.0, 120.0, 480.0);
pub const CHECKOUT_LANES: usize = 4;
/// The door, in the bottom wall near the left corner.
pub const DOOR: Rect = Rect::new(40.0, HEIGHT - 14.0, 130.0, 14.0);
pub const DOOR_POINT: (f64, f64) = (105.0, HEIGHT - 6.0);
/// Where the SessionSupervisor's badge sits on the floor (top-left): restarts are drawn as
/// a line from it to the customer it brings back.
pub const SUPERVISOR_BADGE: (f64, f64) = (105.0, 40.0);

pub fn shelf(i: usize) -> Rect {
    Rect::new(
        SHELF_X0,
        SHELF_TOP + i as f64 * SHELF_PITCH,
        SHELF_X1 - SHELF_X0,
        SHELF_H,
    )
}

/// Where a shelf's name is drawn on screen (12 px, centred on the shelf), or `None` when
/// the shelf is too short on screen for it to be drawn at all.
pub fn shelf_label(i: usize, cam: &Camera) -> Option<Rect> {
    let name = SHELVES.get(i)?;
    let r = shelf(i);
    let s = cam.scale;
    let chars = name.chars().count() as f64;
    if r.w * s <= chars * 7.0 {
        return None;
    }
    let (sx, sy) = cam.to_screen(r.x, r.y);
    let width = chars * 6.6 + 8.0;
    Some(Rect::new(
        sx + r.w * s / 2.0 - width / 2.0,
        sy + r.h * s / 2.0 - 9.0,
        width,
        18.0,
    ))
}

/// Aisles: above the first shelf, between each pair, and below the last.
pub const AISLES: usize = SHELVES.len() + 1;

/// The band of an aisle, where customers stand: (top, bottom) in world units.
pub fn aisle_band(a: usize) -> (f64, f64) {
    let top = if a == 0 {
        40.0
    } else {
        shelf(a - 1).y + SHELF_H + 10.0
    };
    let bottom = if a < SHELVES.len() {
        shelf(a).y - 10.0
    } else {
        HEIGHT - 40.0
    };
    (top, bottom)
}

/// The centre line of an aisle: where customers walk along it.
pub fn aisle_y(a: usize) -> f64 {
    let (t, b) = aisle_band(a);
    (t + b) / 2.0
}

/// The middle of a checkout lane.
pub fn lane_y(lane: usize) -> f64 {
    CHECKOUT.y + (lane as f64 + 0.5) * CHECKOUT.h / CHECKOUT_LANES as f64
}

/// FNV-1a: the same spot for the same key on every platform and every visit.
pub fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn unit(h: u64, shift: u32, modulus: u64) -> f64 {
    ((h >> shift) % modulus) as f64 / (modulus - 1) as f64
}

/// Where a customer browses: an aisle and a spot along it, the same for the same key. The
/// fuller the cart, the further along towards the checkout (on the right).
pub fn home(key: &str, items: i64) -> (usize, f64, f64) {
    home_of(hash(key), items)
}

/// [`home`] from the key's hash (the floor keeps it, so a frame hashes nothing).
pub fn home_of(h: u64, items: i64) -> (usize, f64, f64) {
    let aisle = (h % AISLES as u64) as usize;
    let (top, bottom) = aisle_band(aisle);
    let x = SHELF_X0 + 10.0 + unit(h, 8, 1009) * (SHELF_X1 - SHELF_X0 - 20.0);
    let y = top + 8.0 + unit(h, 24, 997) * (bottom - top - 16.0);
    let pull = items.clamp(0, 8) as f64 / 8.0 * 0.5;
    (aisle, x + (SHELF_X1 - x) * pull, y)
}

/// A gentle wander around the home spot (wall-clock ms), so the floor is alive even when
/// nothing is bought: up to 8 units along the aisle.
pub fn wander(key_hash: u64, wall_ms: f64) -> f64 {
    let phase = (key_hash % 628) as f64 / 100.0;
    let period = 2_500.0 + (key_hash >> 12) as f64 % 2_000.0;
    8.0 * (wall_ms / period + phase).sin()
}

/// A point `t` (0..1) of the way along a path of straight segments.
pub fn along(path: &[(f64, f64)], t: f64) -> (f64, f64) {
    let Some(&first) = path.first() else {
        return (0.0, 0.0);
    };
    let len = |w: &[(f64, f64)]| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
    let total: f64 = path.windows(2).map(len).sum();
    if total <= 0.0 {
        return first;
    }
    let mut left = t.clamp(0.0, 1.0) * total;
    for w in path.windows(2) {
        let l = len(w);
        if left <= l && l > 0.0 {
            let f = left / l;
            return (
                w[0].0 + (w[1].0 - w[0].0) * f,
                w[0].1 + (w[1].1 - w[0].1) * f,
            );
        }
        left -= l;
    }
    *path.last().unwrap_or(&first)
}

/// The walk in: from the door, up the left corridor, along the aisle to the spot.
pub fn path_in(aisle: usize, to: (f64, f64)) -> [(f64, f64); 4] {
    let y = aisle_y(aisle);
    [DOOR_POINT, (LEFT_CORRIDOR_X, y), (to.0, y), to]
}

/// The walk out after a sale: along the aisle to the checkout, through a lane, then down
/// the corridor and along the bottom wall to the door.
pub fn path_out_via_checkout(aisle: usize, from: (f64, f64), lane: usize) -> [(f64, f64); 6] {
    let y = aisle_y(aisle);
    let lane_y = lane_y(lane);
    [
        from,
        (from.0, y),
        (RIGHT_CORRIDOR_X, y),
        (CHECKOUT.x - 8.0, lane_y),
        (RIGHT_CORRIDOR_X, HEIGHT - 40.0),
        DOOR_POINT,
    ]
}

/// The walk out without buying: back along the aisle and down the left corridor.
pub fn path_out(aisle: usize, from: (f64, f64)) -> [(f64, f64); 4] {
    let y = aisle_y(aisle);
    [from, (from.0, y), (LEFT_CORRIDOR_X, y), DOOR_POINT]
}

/// Zoom and pan: screen = (world − origin) × scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Screen pixels per world unit.
    pub scale: f64,
    /// The world point at the screen's top-left corner.
    pub x: f64,
    pub y: f64,
    /// The viewport in CSS pixels.
    pub width: f64,
    pub height: f64,
}

/// How far in and out the camera goes, relative to "fit".
pub const MAX_ZOOM: f64 = 12.0;
pub const MIN_ZOOM: f64 = 0.5;

/// Screen pixels "fit" keeps free above the floor (for the supervisor's badge and the zoom
/// buttons) and below it. On a narrow floor (a phone) the zoom buttons move below the plan
/// (see style.css), so the band below is as tall as they are.
pub const FIT_TOP: f64 = 58.0;
pub const FIT_BOTTOM: f64 = 6.0;
pub const NARROW: f64 = 600.0;
pub const FIT_BOTTOM_NARROW: f64 = 56.0;

fn fit_bottom(width: f64) -> f64 {
    if width < NARROW {
        FIT_BOTTOM_NARROW
    } else {
        FIT_BOTTOM
    }
}

fn fit_scale_for(width: f64, height: f64) -> f64 {
    (width / WIDTH).min((height - FIT_TOP - fit_bottom(width)).max(1.0) / HEIGHT)
}

impl Camera {
    /// The whole floor in a viewport, centred below the badge's band.
    pub fn fit(width: f64, height: f64) -> Camera {
        let width = width.max(1.0);
        let height = height.max(1.0);
        let scale = fit_scale_for(width, height);
        let free_h = (height - FIT_TOP - fit_bottom(width)).max(1.0);
        Camera {
            scale,
            x: -(width / scale - WIDTH) / 2.0,
            y: -(FIT_TOP + (free_h - HEIGHT * scale) / 2.0) / scale,
            width,
            height,
        }
    }

    pub fn fit_scale(&self) -> f64 {
        fit_scale_for(self.width, self.height)
    }

    /// How far in, relative to "fit" (1 = the whole floor).
    pub fn zoom(&self) -> f64 {
        self.scale / self.fit_scale()
    }

    pub fn to_screen(&self, x: f64, y: f64) -> (f64, f64) {
        ((x - self.x) * self.scale, (y - self.y) * self.scale)
    }

    pub fn to_world(&self, sx: f64, sy: f64) -> (f64, f64) {
        (sx / self.scale + self.x, sy / self.scale + self.y)
    }

    /// The same world view in a resized viewport: the centre stays where it was.
    pub fn resized(&self, width: f64, height: f64) -> Camera {
        let (cx, cy) = self.to_world(self.width / 2.0, self.height / 2.0);
        let was_fit = (self.zoom() - 1.0).abs() < 1e-6;
        if was_fit {
            return Camera::fit(width, height);
        }
        let mut c = Camera {
            width: width.max(1.0),
            height: height.max(1.0),
            ..*self
        };
        c.x = cx - c.width / 2.0 / c.scale;
        c.y = cy - c.height / 2.0 / c.scale;
        c.clamped()
    }

    /// Zooms by `factor` keeping the world point under (sx, sy) where it is.
    pub fn zoom_at(&self, sx: f64, sy: f64, factor: f64) -> Camera {
        if !factor.is_finite() || factor <= 0.0 {
            return *self;
        }
        let fit = self.fit_scale();
        let scale = (self.scale * factor).clamp(fit * MIN_ZOOM, fit * MAX_ZOOM);
        let (wx, wy) = self.to_world(sx, sy);
        Camera {
            scale,
            x: wx - sx / scale,
            y: wy - sy / scale,
            ..*self
        }
        .clamped()
    }

    /// Moves the view by a screen-pixel drag.
    pub fn pan(&self, dx: f64, dy: f64) -> Camera {
        if !dx.is_finite() || !dy.is_finite() {
            return *self;
        }
        Camera {
            x: self.x - dx / self.scale,
            y: self.y - dy / self.scale,
            ..*self
        }
        .clamped()
    }

    /// Keeps at least part of the floor in view.
    fn clamped(mut self) -> Camera {
        let view_w = self.width / self.scale;
        let view_h = self.height / self.scale;
        let margin_x = view_w * 0.5;
        let margin_y = view_h * 0.5;
        self.x = self.x.clamp(-margin_x, WIDTH - view_w + margin_x);
        self.y = self.y.clamp(-margin_y, HEIGHT - view_h + margin_y);
        if WIDTH < view_w {
            self.x = self.x.clamp(WIDTH - view_w, 0.0);
        }
        if HEIGHT < view_h {
            self.y = self.y.clamp(HEIGHT - view_h, 0.0);
        }
        self
    }

    /// True when a world point is on screen (with a margin in pixels).
    pub fn shows(&self, x: f64, y: f64, margin: f64) -> bool {
        let (sx, sy) = self.to_screen(x, y);
        sx >= -margin && sy >= -margin && sx <= self.width + margin && sy <= self.height + margin
    }
}
