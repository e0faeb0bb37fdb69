//! nginx configuration files, read the way nginx's reference parser,
//! [crossplane](https://github.com/nginxinc/crossplane), reads them.
//!
//! **Crossplane parity.** The lexer is a port of crossplane's: whitespace
//! separates tokens, `;` `{` `}` are tokens of their own, `#` starts a comment
//! only at the start of a token, a quote starts a string only at the start of
//! a token, a backslash keeps the next character from being special (the
//! backslash itself is kept, except for an escaped closing quote inside a
//! string: `"a\"b"` is `a"b`; nginx would also turn `\\`, `\n`, `\t` into one
//! character, crossplane and we do not), `${var}` and `$var` are kept as
//! written and `${` never opens a block, and `*_by_lua_block { … }` bodies
//! are one raw argument. `if (…)` arguments lose their parentheses, as in
//! crossplane. A differential test (`tests/crossplane.rs`) checks real-world
//! files against crossplane's output, directive by directive and line by line.
//!
//! Arguments are strings, except digits-only ones, which are integers (text
//! as written). `on`/`off` stay strings: the diff engine knows flags.
//!
//! **No include following.** `include` is an ordinary directive: a diff tool
//! compares the files it was given, and following globs would let one file
//! pull arbitrary (or endlessly looping) paths into the comparison.
//!
//! **Identity keys.** The tree is keyed by directive name, so that the diff
//! engine aligns environments by name rather than by position. A directive
//! repeated in one block becomes one entry holding a sequence, in source
//! order. A block becomes a map whose first entry, under the reserved key
//! [`IDENTITY_KEY`], holds the block's arguments (`location /api` → `/api`);
//! an argument-less `server` block is identified by its first `server_name`
//! and `listen` (`api.example.com:443`). That gives paths like
//! `http.server[api.example.com:443].location[/api].proxy_next_upstream`.
//!
//! Nesting is handled with an explicit stack and checked against
//! [`Limits`], so 10,000 nested blocks end in a depth error, not a stack
//! overflow. Error messages give lines and columns, never file text.

use std::collections::HashMap;

use super::{Limits, NodeBudget, ParseError, line_of};
use crate::model::node::{Document, MapEntry, Node, NodeValue, Scalar, ScalarKind};

/// The reserved map key holding a block's identity (its arguments).
pub(crate) const IDENTITY_KEY: &str = "@";

/// Parse an nginx config file into one document whose root is a map of the
/// top-level directives.
pub(crate) fn parse(text: &str, limits: &Limits) -> Result<Document, ParseError> {
    let lexer = Lexer {
        text,
        pos: 0,
        line: 1,
    };
    let budget = NodeBudget::new(limits);
    let root = NginxFrame {
        line: 1,
        ..NginxFrame::default()
    };
    NginxParser {
        lexer,
        budget,
        root,
        open: Vec::new(),
    }
    .run()
}

/// One token and where it starts.
#[derive(Debug)]
struct Token {
    /// `{`, `}` or `;` when the token is unquoted punctuation; `None` for a
    /// word or quoted string (a quoted `{` is a word).
    punct: Option<u8>,
    /// The text, unquoted (empty for punctuation).
    text: String,
    /// 1-based line of the token's first character.
    line: u32,
    /// Byte offset of the token's first character.
    pos: usize,
}

impl Token {
    /// A word (or quoted string) token with its unquoted text.
    fn word(text: String, line: u32, pos: usize) -> Self {
        let punct = None;
        Token {
            punct,
            text,
            line,
            pos,
        }
    }
}

/// Splits the text into tokens the way crossplane's lexer does.
struct Lexer<'t> {
    /// The whole file.
    text: &'t str,
    /// Byte offset of the next unread byte.
    pos: usize,
    /// 1-based line of the next unread byte.
    line: u32,
}

impl Lexer<'_> {
    /// The next unread byte.
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Consume one byte, counting lines.
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        self.line += u32::from(b == b'\n');
        Some(b)
    }

    /// An error at byte offset `pos` on `line`, with the column counted in characters.
    fn error(&self, line: u32, pos: usize, message: impl Into<String>) -> ParseError {
        let start = memchr::memrchr(b'\n', &self.text.as_bytes()[..pos]).map_or(0, |i| i + 1);
        let col = self.text[start..pos].chars().count() as u32 + 1;
        ParseError::new(line, Some(col), message)
    }

    /// Skip whitespace (nginx's set, plus form feed).
    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.bump();
        }
    }

    /// The next token, or `None` at end of file. Comments are dropped.
    fn next(&mut self) -> Result<Option<Token>, ParseError> {
        self.skip_space();
        while self.peek() == Some(b'#') {
            while self.bump().is_some_and(|b| b != b'\n') {}
            self.skip_space();
        }
        let (line, pos) = (self.line, self.pos);
        Ok(Some(match self.peek() {
            None => return Ok(None),
            Some(quote @ (b'"' | b'\'')) => self.quoted(quote)?,
            Some(b @ (b'{' | b'}' | b';')) => {
                self.bump();
                Token {
                    punct: Some(b),
                    text: String::new(),
                    line,
                    pos,
                }
            }
            Some(_) => self.unquoted(),
        }))
    }

    /// An unquoted word: up to whitespace, `;`, `{` or `}`. A backslash takes
    /// the next byte with it, and `${…}` is read to its `}`.
    fn unquoted(&mut self) -> Token {
        let (line, start) = (self.line, self.pos);
        while let Some(b) = self.peek() {
            match b {
                b'{' if self.text.as_bytes()[self.pos - 1] == b'$' => {
                    while let Some(b) = self.peek().filter(|b| !b.is_ascii_whitespace()) {
                        self.bump();
                        if b == b'}' {
                            break;
                        }
                    }
                }
                b'{' | b'}' | b';' => break,
                _ if b.is_ascii_whitespace() => break,
                _ => {
                    self.bump();
                    if b == b'\\' {
                        self.bump();
                    }
                }
            }
        }
        Token::word(self.text[start..self.pos].to_string(), line, start)
    }

    /// A quoted string, opening quote at the current position. Inside, a
    /// backslash pairs with the next byte; only `\<quote>` loses its backslash.
    fn quoted(&mut self, quote: u8) -> Result<Token, ParseError> {
        let (line, open) = (self.line, self.pos);
        self.bump();
        let (mut text, mut segment) = (String::new(), self.pos);
        loop {
            match self.bump() {
                None => return Err(self.error(line, open, "unterminated quoted string")),
                Some(b) if b == quote => break,
                Some(b'\\') => {
                    if self.peek() == Some(quote) {
                        text.push_str(&self.text[segment..self.pos - 1]);
                        segment = self.pos;
                    }
                    self.bump();
                }
                Some(_) => {}
            }
        }
        text.push_str(&self.text[segment..self.pos - 1]);
        Ok(Token::word(text, line, open))
    }

    /// The raw body of a `*_by_lua_block { … }`, without the outer braces.
    /// Braces inside Lua strings and `--` comments do not count.
    fn lua_body(&mut self) -> Result<Token, ParseError> {
        self.skip_space();
        let (line, open) = (self.line, self.pos);
        if self.bump() != Some(b'{') {
            return Err(self.error(line, open, "expected `{` to start a Lua block"));
        }
        let mut depth = 1usize;
        while let Some(b) = self.bump() {
            match b {
                b'-' if self.peek() == Some(b'-') => {
                    while self.bump().is_some_and(|b| b != b'\n') {}
                }
                b'"' | b'\'' => {
                    while let Some(c) = self.bump().filter(|&c| c != b) {
                        if c == b'\\' {
                            self.bump();
                        }
                    }
                }
                b'{' => depth += 1,
                b'}' if depth == 1 => {
                    let body = self.text[open + 1..self.pos - 1].to_string();
                    return Ok(Token::word(body, line, open));
                }
                b'}' => depth -= 1,
                _ => {}
            }
        }
        let eof = line_of(self.text.as_bytes(), self.pos);
        let message = format!("unexpected end of file in the Lua block opened on line {line}");
        Err(ParseError::new(eof, None, message))
    }
}

/// A block being built: its own directive and the entries read so far.
#[derive(Debug, Default)]
struct NginxFrame {
    /// The block's directive name (empty for the file itself).
    name: String,
    /// The block's arguments.
    args: Vec<String>,
    /// Line of the block's directive.
    line: u32,
    /// Line of the block's `{`.
    open_line: u32,
    /// One slot per distinct directive name, in order of first appearance.
    slots: Vec<NginxSlot>,
    /// Directive name → index into `slots`.
    index: HashMap<String, usize>,
    /// First argument of the first `server_name` in this block.
    server_name: Option<String>,
    /// First token of the first `listen` in this block.
    listen: Option<String>,
}

/// Every occurrence of one directive name in a block.
#[derive(Debug)]
struct NginxSlot {
    /// The directive name.
    key: String,
    /// Line of the first occurrence.
    line: u32,
    /// One value per occurrence.
    items: Vec<Node>,
}

impl NginxFrame {
    /// Add one occurrence of directive `key`.
    fn add(&mut self, key: String, line: u32, node: Node) {
        if let Some(&i) = self.index.get(&key) {
            self.slots[i].items.push(node);
        } else {
            self.index.insert(key.clone(), self.slots.len());
            let items = vec![node];
            self.slots.push(NginxSlot { key, line, items });
        }
    }

    /// The block's identity: its arguments, or `SERVER_NAME:LISTEN` for a
    /// bare `server` (`NAME` or `:LISTEN` when only one is set; an empty
    /// `server_name ""` counts as unset).
    fn identity(&mut self) -> Option<String> {
        if !self.args.is_empty() {
            return Some(self.args.join(" "));
        }
        let listen = self.listen.take().filter(|l| !l.is_empty());
        let listen = listen.map(|l| format!(":{l}"));
        let name = self.server_name.take().filter(|n| !n.is_empty());
        match (self.name == "server", name, listen) {
            (false, _, _) | (true, None, None) => None,
            (true, name, listen) => Some(name.unwrap_or_default() + &listen.unwrap_or_default()),
        }
    }

    /// The finished map; `depth` is the map's own depth (root = 1).
    fn finish(mut self, budget: &mut NodeBudget, depth: usize) -> Result<Node, ParseError> {
        let mut entries = Vec::with_capacity(self.slots.len() + 1);
        if let Some(id) = self.identity() {
            entries.push(MapEntry::scalar(
                IDENTITY_KEY,
                self.line,
                Scalar::string(id),
            ));
        }
        for NginxSlot { key, line, items } in self.slots {
            let value = match <[Node; 1]>::try_from(items) {
                Ok([only]) => only,
                Err(items) => {
                    budget.node(depth + 1, line)?;
                    Node {
                        value: NodeValue::Seq(items),
                        line,
                    }
                }
            };
            entries.push(MapEntry { key, line, value });
        }
        let value = NodeValue::Map(entries);
        Ok(Node {
            value,
            line: self.line,
        })
    }
}

/// Builds the tree from tokens, with an explicit stack of open blocks.
struct NginxParser<'t> {
    /// The token source.
    lexer: Lexer<'t>,
    /// Depth and node accounting.
    budget: NodeBudget,
    /// The file's top level.
    root: NginxFrame,
    /// The open blocks, innermost last.
    open: Vec<NginxFrame>,
}

impl NginxParser<'_> {
    /// The innermost open block.
    fn current(&mut self) -> &mut NginxFrame {
        self.open.last_mut().unwrap_or(&mut self.root)
    }

    /// An error at `token`.
    fn error(&self, token: &Token, message: impl Into<String>) -> ParseError {
        self.lexer.error(token.line, token.pos, message)
    }

    /// Read the whole file.
    fn run(mut self) -> Result<Document, ParseError> {
        self.budget.node(1, 1)?;
        while let Some(token) = self.lexer.next()? {
            match token.punct {
                None => self.directive(token)?,
                Some(b'}') => {
                    let Some(frame) = self.open.pop() else {
                        return Err(self.error(&token, "unexpected `}` with no block open"));
                    };
                    let (key, line) = (frame.name.clone(), frame.line);
                    let node = frame.finish(&mut self.budget, self.open.len() + 2)?;
                    self.current().add(key, line, node);
                }
                Some(b'{') => return Err(self.error(&token, "`{` without a directive name")),
                Some(_) => return Err(self.error(&token, "unexpected `;` without a directive")),
            }
        }
        if let Some(frame) = self.open.last() {
            let eof = line_of(self.lexer.text.as_bytes(), self.lexer.pos.saturating_sub(1));
            let opened = frame.open_line;
            let message =
                format!("unexpected end of file: missing `}}` for block opened on line {opened}");
            return Err(ParseError::new(eof, None, message));
        }
        let root = self.root.finish(&mut self.budget, 1)?;
        Ok(Document { root, line: 1 })
    }

    /// Read the directive named by `name`: add it to the innermost open
    /// block, or open a new block.
    fn directive(&mut self, name: Token) -> Result<(), ParseError> {
        if name.text == IDENTITY_KEY {
            return Err(self.error(&name, "`@` is reserved and cannot be a directive name"));
        }
        let not_terminated = |what: &str| format!("directive is not terminated by `;` ({what})");
        // Depth of the map that receives this directive.
        let depth = self.open.len() + 1;
        let mut args: Vec<Token> = Vec::new();
        if name.text.ends_with("_by_lua_block") {
            if name.text == "set_by_lua_block" {
                match self.lexer.next()? {
                    Some(arg) if arg.punct.is_none() => args.push(arg),
                    _ => return Err(self.error(&name, "expected a variable name")),
                }
            }
            args.push(self.lexer.lua_body()?);
        } else {
            loop {
                let Some(token) = self.lexer.next()? else {
                    return Err(self.error(&name, not_terminated("reached end of file")));
                };
                match token.punct {
                    None => args.push(token),
                    Some(b';') => break,
                    Some(b'{') => {
                        self.budget.node(depth + 1, name.line)?;
                        if name.text == "if" {
                            strip_if_parens(&mut args);
                        }
                        self.open.push(NginxFrame {
                            name: name.text,
                            args: args.into_iter().map(|t| t.text).collect(),
                            line: name.line,
                            open_line: token.line,
                            ..NginxFrame::default()
                        });
                        return Ok(());
                    }
                    Some(_) => {
                        let what = format!("found `}}` on line {}", token.line);
                        return Err(self.error(&name, not_terminated(&what)));
                    }
                }
            }
        }
        let first = args.first().map(|t| t.text.as_str());
        let frame = self.open.last_mut().unwrap_or(&mut self.root);
        match (name.text.as_str(), first) {
            ("server_name", Some(first)) if frame.server_name.is_none() => {
                frame.server_name = Some(first.to_string());
            }
            ("listen", Some(first)) if frame.listen.is_none() => {
                let address = first.split_whitespace().next().unwrap_or_default();
                frame.listen = Some(address.to_string());
            }
            _ => {}
        }
        let line = name.line;
        self.budget.node(depth + 1, line)?;
        let value = match <[Token; 1]>::try_from(args) {
            Ok([arg]) => scalar(arg),
            Err(args) if args.is_empty() => Node::scalar(Scalar::string(""), line),
            Err(args) => {
                let mut items = Vec::with_capacity(args.len());
                for arg in args {
                    self.budget.node(depth + 2, arg.line)?;
                    items.push(scalar(arg));
                }
                Node {
                    value: NodeValue::Seq(items),
                    line,
                }
            }
        };
        self.current().add(name.text, line, value);
        Ok(())
    }
}

/// A scalar node for one argument: `Int` when it is all digits, else `Str`.
fn scalar(arg: Token) -> Node {
    let is_int = !arg.text.is_empty() && arg.text.bytes().all(|b| b.is_ascii_digit());
    let kind = if is_int {
        ScalarKind::Int
    } else {
        ScalarKind::Str
    };
    Node::scalar(Scalar::of(kind, arg.text), arg.line)
}

/// Drop the parentheses around an `if` condition, as crossplane does:
/// `if ( $a = b )` has the arguments `$a`, `=`, `b`.
fn strip_if_parens(args: &mut Vec<Token>) {
    let wrapped = args.first().is_some_and(|t| t.text.starts_with('('))
        && args.last().is_some_and(|t| t.text.ends_with(')'));
    if !wrapped {
        return;
    }
    args[0].text = args[0].text[1..].trim_start().to_string();
    let last = args.len() - 1;
    let trimmed = args[last].text.strip_suffix(')').unwrap_or_default();
    args[last].text = trimmed.trim_end().to_string();
    if args[last].text.is_empty() {
        args.pop();
    }
    if args.first().is_some_and(|t| t.text.is_empty()) {
        args.remove(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// A value as text: numbers bare, strings quoted, map keys with their line.
    fn show(node: &Node) -> String {
        match &node.value {
            NodeValue::Map(entries) => {
                let mut out = String::from("{");
                for (i, e) in entries.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    let _ = write!(out, "{sep}{}@{}: {}", e.key, e.line, show(&e.value));
                }
                out + "}"
            }
            NodeValue::Seq(items) => format!(
                "[{}]",
                items.iter().map(show).collect::<Vec<_>>().join(", ")
            ),
            NodeValue::Scalar(s) if s.kind == ScalarKind::Int => s.text.clone(),
            NodeValue::Scalar(s) => format!("{:?}", s.text),
        }
    }

    fn doc(text: &str) -> String {
        show(&parse(text, &Limits::default()).unwrap().root)
    }

    fn err(text: &str) -> String {
        parse(text, &Limits::default()).unwrap_err().to_string()
    }

    #[test]
    fn directives_by_argument_count_and_repetition() {
        let text = "daemon;\nuser nginx;\nlisten 80;\nerror_log\n  /var/log/e.log warn;\nlisten 443 ssl;\n";
        let expected = r#"{daemon@1: "", user@2: "nginx", listen@3: [80, ["443", "ssl"]], error_log@4: ["/var/log/e.log", "warn"]}"#;
        assert_eq!(doc(text), expected.replace("\"443\"", "443"));
        // Every argument keeps its own line.
        let root = parse(text, &Limits::default()).unwrap().root;
        let NodeValue::Map(entries) = root.value else {
            panic!("root is a map")
        };
        let NodeValue::Seq(args) = &entries[3].value.value else {
            panic!("two arguments")
        };
        assert_eq!((entries[3].value.line, args[0].line), (4, 5));
    }

    #[test]
    fn blocks_carry_their_identity() {
        let text = "events { worker_connections 1024; }\nhttp {\n server {\n  listen 443 ssl;\n  server_name api.example.com www;\n  location /api { proxy_next_upstream error timeout; }\n  location = / { include x.conf; }\n }\n server { listen [::]:80; server_name \"\"; } server { server_name b; } server { }\n}\n";
        let expected = concat!(
            r#"{events@1: {worker_connections@1: 1024}, http@2: {server@3: ["#,
            r#"{@@3: "api.example.com:443", listen@4: [443, "ssl"], server_name@5: ["api.example.com", "www"], "#,
            r#"location@6: [{@@6: "/api", proxy_next_upstream@6: ["error", "timeout"]}, {@@7: "= /", include@7: "x.conf"}]}, "#,
            r#"{@@9: ":[::]:80", listen@9: "[::]:80", server_name@9: ""}, {@@9: "b", server_name@9: "b"}, {}]}}"#,
        );
        assert_eq!(doc(text), expected);
    }

    #[test]
    fn quotes_escapes_comments_variables_lua_and_if() {
        let text = concat!(
            "a \"x \\\"y\\\" # z\" 'q;{}' f#g \\\"h c\\;d;  # comment { ; }\n",
            "b \"\" \"line\nbreak\";\n\"quoted name\" \"multi\\\\\" ${host}x$y;\n",
            "content_by_lua_block {\n  local t = {1} -- }\n  ngx.say(\"}\")\n}\n",
            "set_by_lua_block $v { return 1 }\nif ($request_method = POST ) { return 405; }\n",
        );
        let expected = concat!(
            r#"{a@1: ["x \"y\" # z", "q;{}", "f#g", "\\\"h", "c\\;d"], b@2: ["", "line\nbreak"], "#,
            r#""quoted name"@4: ["multi\\\\", "${host}x$y"], content_by_lua_block@5: "\n  local t = {1} -- }\n  ngx.say(\"}\")\n", "#,
            r#"set_by_lua_block@9: ["$v", " return 1 "], if@10: {@@10: "$request_method = POST", return@10: 405}}"#,
        );
        assert_eq!(
            doc(text),
            expected.replace(r#""quoted name""#, "quoted name")
        );
    }

    #[test]
    fn malformed_files_give_clean_errors() {
        let cases = [
            (
                "a 1;\n}\n",
                "line 2, column 1: unexpected `}` with no block open",
            ),
            (
                "http {\n server {\n",
                "line 2: unexpected end of file: missing `}` for block opened on line 2",
            ),
            (
                "a 1;\nb 'open\n\n",
                "line 2, column 3: unterminated quoted string",
            ),
            (
                "http {\n  a 1\n}\n",
                "line 2, column 3: directive is not terminated by `;` (found `}` on line 3)",
            ),
            (
                "a 1",
                "line 1, column 1: directive is not terminated by `;` (reached end of file)",
            ),
            (
                "a;\n  { b; }",
                "line 2, column 3: `{` without a directive name",
            ),
            (
                "a;;",
                "line 1, column 3: unexpected `;` without a directive",
            ),
            (
                "@ x;",
                "line 1, column 1: `@` is reserved and cannot be a directive name",
            ),
            (
                "x_by_lua_block ;",
                "line 1, column 16: expected `{` to start a Lua block",
            ),
            (
                "x_by_lua_block {\n'}",
                "line 2: unexpected end of file in the Lua block opened on line 1",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(err(text), message, "{text:?}");
        }
    }

    #[test]
    fn secrets_never_appear_in_errors() {
        for text in [
            "secure_link_secret s3cr3t;\n}",
            "secure_link_secret s3cr3t",
            "secure_link_secret \"s3cr3t;\n",
            "http { secure_link_secret s3cr3t; ",
            "http { secure_link_secret s3cr3t }",
            "secure_link_secret s3cr3t;;",
            "s3cr3t {",
        ] {
            assert!(!err(text).contains("s3cr3t"), "{text:?}");
        }
    }

    #[test]
    fn deep_nesting_is_a_depth_error_not_a_stack_overflow() {
        let text = "location / {\n".repeat(10_000) + &"}\n".repeat(10_000);
        assert_eq!(
            err(&text),
            "line 128: nesting is deeper than the limit of 128"
        );
    }

    #[test]
    fn a_large_file_parses_in_linear_time() {
        let mut text = String::from("http {\n");
        for i in 0..50_000 {
            let _ = writeln!(
                text,
                "    proxy_set_header X-Header-{i} \"value number {i}\";"
            );
        }
        text.push('}');
        assert!(text.len() > 2_000_000);
        let start = std::time::Instant::now();
        let tree = doc(&text);
        assert!(start.elapsed().as_secs() < 10);
        assert!(
            tree.starts_with(
                "{http@1: {proxy_set_header@2: [[\"X-Header-0\", \"value number 0\"], "
            )
        );
        assert_eq!(tree.matches("\"value number ").count(), 50_000);
    }
}
