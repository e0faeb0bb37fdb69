//! What reads as words: the tests that tell an identifier a person wrote
//! (`RAILS_CACHE_REDIS_HOST`, `lon1-72645-do-user-4455684-0`,
//! `HIGH:!aNULL`) from a random draw, by common English letter pairs,
//! vowels, cases and the way letters and digits take turns. The token
//! rules ([`super::generic`]) and the last-line writer's word secrets
//! ([`super::redact`]) ask them.

/// Whether letters and digits take turns far less often than a random
/// draw would (the rule, docs/secrets.md "uncatalogued tokens"): in a draw
/// where a share `p` of the letters-and-digits are digits, neighbours
/// differ in class about `2p(1-p)` of the time; an identifier switches only
/// between its words and its numbers (`lon1-72645-do-user-4455684-0`, a
/// managed database's host). Separators are skipped, so they neither add
/// switches nor hide them. Fewer than a third of the expected switches is
/// not random. Asked only where the test has power: digits a quarter to
/// three quarters of the text (hex, lowercase base36, numbered names) and
/// 6+ switches expected; a draw then falls that short about once in
/// several hundred, and a token with a few digits (base62) is never asked.
pub(super) fn few_number_switches(b: &[u8]) -> bool {
    let alnum: Vec<bool> = b
        .iter()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(u8::is_ascii_digit)
        .collect();
    let m = alnum.len();
    let digits = alnum.iter().filter(|&&d| d).count();
    if m < 2 || digits == 0 || digits == m {
        return false;
    }
    let p = digits as f64 / m as f64;
    let expected = 2.0 * p * (1.0 - p) * (m - 1) as f64;
    if !(0.25..=0.75).contains(&p) || expected < 6.0 {
        return false;
    }
    let switches = alnum.windows(2).filter(|w| w[0] != w[1]).count();
    (switches as f64) * 3.0 < expected
}

/// Whether `s` is three or more parts between separators, each a number
/// or a word in one of the cases identifiers use (`9993310-gcm-514461`,
/// `RAILS_7336_DB`, `ip-10-0-12-7`, `Web-Api-2`): how identifiers and host
/// names are built. A draw's parts mix letters and digits, its letters mix
/// cases (`xQvB`), and its letter groups do not read (`AIGJQ`).
pub(super) fn words_and_numbers(s: &str) -> bool {
    let parts: Vec<&[u8]> = s
        .as_bytes()
        .split(|c| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect();
    // A word: one case (or Capitalized), and pronounceable when longer
    // than three letters (licence keys are groups of random letters, often
    // drawn without vowels so as never to spell one).
    let word = |p: &[u8]| {
        (p.iter().all(u8::is_ascii_lowercase)
            || p.iter().all(u8::is_ascii_uppercase)
            || (p[0].is_ascii_uppercase() && p[1..].iter().all(u8::is_ascii_lowercase)))
            && (p.len() <= 3 || reads(p))
    };
    parts.len() >= 3
        && parts
            .iter()
            .all(|p| p.iter().all(u8::is_ascii_digit) || word(p))
}

/// Letters in words: a pronounceable run of 4+ letters (one optional
/// capital, then lowercase: `Service`, `deployment`; or all capitals:
/// `HIGH`, the `NULL` of `aNULL`), or a whole part between separators that
/// is 3+ lowercase letters with a vowel (`nginx`, `api`) or 3 capitals with
/// one (`API`). A
/// random draw rarely spells either; an identifier is made of them, in any
/// case style (`RAILS_CACHE_REDIS_HOST`, `HTTPServer`).
pub(super) fn wordy(s: &str) -> usize {
    let b = s.as_bytes();
    let mut total = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        let caps = b[i..].iter().take_while(|c| c.is_ascii_uppercase()).count();
        if caps >= 2 {
            // The last capital begins the next word when lowercase follows
            // (`HTTPServer`): that is a word boundary too.
            let camel = b.get(i + caps).is_some_and(u8::is_ascii_lowercase);
            let end = if camel { i + caps - 1 } else { i + caps };
            let w = &b[start..end];
            let whole_part = (start == 0 || !b[start - 1].is_ascii_alphanumeric())
                && (camel || end == b.len() || !b[end].is_ascii_alphanumeric());
            // Longer groups of capitals must read (`REDIS`, not `AIGJQ`):
            // licence keys are groups of random capitals. Inside a word
            // they count when they end it (`aNULL`): capitals between a
            // lowercase letter and a digit are a draw's alternation
            // (`OXVboJORUINX3`).
            let ends = end == b.len() || !b[end].is_ascii_alphanumeric() || camel;
            if (w.len() >= 4 && reads(w) && (whole_part || ends))
                || (whole_part && w.len() == 3 && w.iter().any(|&c| vowel(c)))
            {
                total += w.len();
            }
            i = end;
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_lowercase() {
            i += 1;
        }
        let w = &b[start..i];
        let whole_part = (start == 0 || !b[start - 1].is_ascii_alphanumeric())
            && (i == b.len() || !b[i].is_ascii_alphanumeric());
        // A three-letter word glued to a number or a capital (`End915`,
        // `Web318Kafka`, `maxRetries`): a draw spells one about once in 70
        // positions, an identifier at every short word.
        let camel_word = w.len() == 3
            && (start == 0 || !b[start - 1].is_ascii_alphabetic() || b[start].is_ascii_uppercase())
            && pronounceable(w);
        if (w.len() >= 4 && pronounceable(w))
            || camel_word
            || (whole_part
                && w.len() >= 3
                && w.iter().all(u8::is_ascii_lowercase)
                && w.iter().any(|&c| vowel(c)))
        {
            total += w.len();
        }
    }
    total
}

/// A vowel, in either case.
pub(super) fn vowel(c: u8) -> bool {
    matches!(c | 0x20, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The ~250 most frequent letter pairs of English text (`eu` added: `QUEUE`): a word is made of
/// them; a random draw of letters hits one about a fifth of the time.
const COMMON_BIGRAMS: &str = "th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip ub oi rl gu dr hr cc tw ft wn nu af hu nn eo vo rv nf xp gn sm fl iz ok nl my gl aw ju oa eq sy sl ps jo lf nv je nk kn gs dy hy ze ks xt eu";

/// [`pronounceable`], strictly for short groups: a group of up to six
/// letters reads only when every pair is a common one (`REDIS`, `HOST`,
/// `NULL`). Three common pairs of four is what a random group of capitals
/// spells one time in eight (`EAESO`, `LBEAC`: licence-key groups).
fn reads(w: &[u8]) -> bool {
    if w.len() > 6 {
        return pronounceable(w);
    }
    w.iter().any(|&c| vowel(c))
        && w.windows(2).all(|p| {
            let (a, b) = (p[0].to_ascii_lowercase(), p[1].to_ascii_lowercase());
            a.is_ascii_lowercase() && b.is_ascii_lowercase() && common_pair(a, b)
        })
}

/// Whether a letter run reads as English: vowels in it and at least three
/// quarters of its letter pairs among the common ones.
pub(super) fn pronounceable(w: &[u8]) -> bool {
    let vowels = w.iter().filter(|&&c| vowel(c)).count();
    if vowels * 5 < w.len() {
        return false;
    }
    let pairs = w.len() - 1;
    let common = w
        .windows(2)
        .filter(|p| {
            let (a, b) = (p[0].to_ascii_lowercase(), p[1].to_ascii_lowercase());
            a.is_ascii_lowercase() && b.is_ascii_lowercase() && common_pair(a, b)
        })
        .count();
    common * 4 >= pairs * 3
}

/// Whether `ab` (lowercase letters) is one of [`COMMON_BIGRAMS`].
fn common_pair(a: u8, b: u8) -> bool {
    // The list as a 26×26 table, built once: a lookup per pair.
    static TABLE: std::sync::LazyLock<[bool; 26 * 26]> = std::sync::LazyLock::new(|| {
        let mut t = [false; 26 * 26];
        for c in COMMON_BIGRAMS.as_bytes().chunks(3) {
            t[usize::from(c[0] - b'a') * 26 + usize::from(c[1] - b'a')] = true;
        }
        t
    });
    TABLE[usize::from(a - b'a') * 26 + usize::from(b - b'a')]
}
