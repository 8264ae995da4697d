//! How wide a text is in Verdana at 11 px, the badges' font: a table of
//! advance widths of the printable ASCII characters, in font units (2048
//! to the em), so the boxes fit their text without a browser measuring it.
//! Other characters get an average width, or a whole em when they are wide
//! (CJK and the like); a badge a few pixels too wide is fine, one too narrow
//! cuts its text.

/// Font units per em.
const UNITS_PER_EM: u32 = 2048;
/// The badges' font size in pixels.
const FONT_PX: u32 = 11;

/// Advance widths of `' '..='~'`, in font units.
#[rustfmt::skip]
const ASCII: [u16; 95] = [
    // space ! " # $ % & ' ( ) * + , - . /
    720, 805, 940, 1878, 1302, 2201, 1478, 550, 927, 927, 1302, 1878, 745, 884, 745, 1183,
    // 0-9
    1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302, 1302,
    // : ; < = > ? @
    889, 889, 1878, 1878, 1878, 1118, 2048,
    // A-Z
    1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 861, 929, 1415, 1170, 1721,
    1532, 1614, 1258, 1614, 1416, 1400, 1248, 1510, 1401, 2025, 1405, 1248, 1403,
    // [ \ ] ^ _ `
    927, 1183, 927, 1878, 1302, 1302,
    // a-z
    1229, 1276, 1067, 1276, 1220, 720, 1276, 1296, 562, 705, 1198, 562, 1992,
    1296, 1243, 1276, 1276, 874, 1067, 807, 1296, 1198, 1675, 1198, 1198, 1071,
    // { | } ~
    1302, 927, 1302, 1878,
];

/// Any other character that is not wide: about a digit.
const OTHER: u16 = 1302;
/// A wide character: a whole em.
const WIDE: u16 = 2048;

/// The width of `text` in pixels, rounded up.
pub fn text_width(text: &str) -> u32 {
    let units: u32 = text.chars().map(|c| u32::from(units_of(c))).sum();
    (units * FONT_PX).div_ceil(UNITS_PER_EM)
}

fn units_of(c: char) -> u16 {
    match c {
        ' '..='~' => ASCII[(c as usize) - (' ' as usize)],
        // Hangul Jamo, then CJK, Hangul, full-width forms and above.
        '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' => WIDE,
        '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FF60}' | '\u{20000}'.. => WIDE,
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_letters_are_narrower_than_wide_ones_and_widths_add_up() {
        assert_eq!(text_width(""), 0);
        assert!(text_width("iiii") < text_width("mmmm"));
        assert_eq!(text_width("0"), 7, "a digit is 1302 units: 6.99 px, rounded up");
        assert_eq!(text_width("status"), (6_273 * 11_u32).div_ceil(2048));
        assert_eq!(text_width("監視"), 22, "a CJK character is a whole em");
    }

    #[test]
    fn the_table_covers_every_printable_ascii_character() {
        assert_eq!(units_of(' '), 720);
        assert_eq!(units_of('~'), 1878);
        assert_eq!(units_of('A'), 1401);
        assert_eq!(units_of('z'), 1071);
        assert_eq!(units_of('é'), OTHER);
    }
}
