//! Redfour inside someone else's page: `?embed=console`, `?embed=floor`, `?embed=lesson`,
//! `?embed=editor` or a combination (`embed=console,floor`), with `&code=` to run at the
//! start. The page then shows only those pieces, sized to its frame, with a link to open the
//! whole of Redfour. Browser-free: read from the query and tested natively.

/// A piece of the page an embed can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    Console,
    Floor,
    Editor,
    Lesson,
}

const ALL: [Piece; 4] = [Piece::Console, Piece::Floor, Piece::Editor, Piece::Lesson];

impl Piece {
    fn from_name(s: &str) -> Option<Piece> {
        Some(match s {
            "console" => Piece::Console,
            "floor" => Piece::Floor,
            "editor" => Piece::Editor,
            "lesson" => Piece::Lesson,
            _ => return None,
        })
    }
}

/// Code longer than this in `code=` is refused (a link is not a file).
pub const MAX_CODE: usize = 8 * 1024;

/// What the address asks of the page beyond its settings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageRequest {
    /// The pieces to show, when the page is embedded (`None`: the whole dashboard).
    pub embed: Option<Vec<Piece>>,
    /// Elixir to run in the console as the page starts.
    pub code: Option<String>,
    /// The `embed=` and `code=` pairs as they came: kept in the address as the page rewrites
    /// it (a reload of the frame shows the same pieces).
    pub kept: String,
}

impl PageRequest {
    /// Reads `embed=` and `code=`; says what it refused (an unknown piece, code too long or
    /// badly escaped).
    pub fn from_query(query: &str) -> (PageRequest, Vec<String>) {
        let mut req = PageRequest::default();
        let mut notices = Vec::new();
        let mut kept = Vec::new();
        for pair in query.trim_start_matches('?').split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                continue;
            };
            match k {
                "embed" => {
                    let names = decode(v).unwrap_or_default();
                    let mut asked = Vec::new();
                    for name in names.split([',', ' ', '+']).filter(|n| !n.is_empty()) {
                        match Piece::from_name(name) {
                            Some(p) => asked.push(p),
                            None => notices.push(format!(
                                "Ignored embed piece {:?}: the pieces are console, floor, editor and lesson.",
                                name.chars().take(24).collect::<String>()
                            )),
                        }
                    }
                    // in the page's order, each once
                    let mut pieces: Vec<Piece> =
                        ALL.iter().copied().filter(|p| asked.contains(p)).collect();
                    if pieces.is_empty() {
                        pieces = vec![Piece::Console, Piece::Floor];
                    }
                    req.embed = Some(pieces);
                    kept.push(pair.to_string());
                }
                "code" => match decode(v) {
                    Some(code) if code.len() <= MAX_CODE => {
                        req.code = Some(code).filter(|c| !c.trim().is_empty());
                        kept.push(pair.to_string());
                    }
                    Some(_) => notices.push(format!(
                        "Ignored code= from the address: it is longer than {} KB.",
                        MAX_CODE / 1024
                    )),
                    None => notices
                        .push("Ignored code= from the address: its %-escapes are damaged.".into()),
                },
                _ => {}
            }
        }
        req.kept = kept.join("&");
        (req, notices)
    }

    /// Is the page embedded?
    pub fn embedded(&self) -> bool {
        self.embed.is_some()
    }

    /// Does the page show `piece`? (All of them when it is not embedded; the lesson brings
    /// the panels its steps point at.)
    pub fn shows(&self, piece: Piece) -> bool {
        match &self.embed {
            None => true,
            Some(pieces) => pieces.contains(&piece),
        }
    }

    /// Does the page show the region `name` (`region-<name>`)?
    pub fn shows_region(&self, name: &str) -> bool {
        let Some(pieces) = &self.embed else {
            return true;
        };
        let lesson = pieces.contains(&Piece::Lesson);
        match name {
            "floor" => lesson || pieces.contains(&Piece::Floor),
            "console" => lesson || pieces.contains(&Piece::Console),
            "editor" => lesson || pieces.contains(&Piece::Editor),
            "tree" | "processes" | "trace" => lesson,
            _ => false,
        }
    }
}

/// Decodes a query value: `%XX` escapes (UTF-8) and `+` for a space.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}
