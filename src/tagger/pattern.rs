//! Cue phrases: a small pattern language over words, and a matcher that runs every
//! pattern of a taxonomy over a text in one pass.
//!
//! ## The language
//! A pattern is a sequence of words, matched against the words of a sentence:
//!
//! | syntax | matches |
//! |---|---|
//! | `gave me his number` | those four words in a row |
//! | `(his\|her\|their)` | one of the alternatives (each may be several words) |
//! | `(personal)?` or `personal?` | optionally that part |
//! | `text*` | any word starting with `text` (text, texts, texted, texting) |
//! | `{give}` | the taxonomy macro `give` (itself a pattern) |
//! | `{w3}` | up to three words of anything (`{w1}` … `{w9}`) |
//! | `{num}` | a number (20, 2.5, 1,200) |
//! | `{any}` | exactly one word of anything |
//!
//! Words are compared after the same normalisation as the text: lower case, straight
//! apostrophes, accents folded. Hyphens and slashes separate words ("long-stay" is the
//! two words `long stay`), apostrophes do not ("didn't" is one word). `£`, `$`, `€`, `%`,
//! `&`, `@` and `#` are words of their own. Matches never cross a sentence boundary.
//!
//! ## Why words and not regular expressions
//! A taxonomy holds over a thousand cues. Compiled as regular expressions they took
//! hundreds of milliseconds to build on every run; as word patterns they build in a
//! few milliseconds and match a long text in well under one, because each word of the
//! text only wakes the patterns that can start with it.

use std::collections::HashMap;
use std::ops::Range;

/// A word of a text, with its span in the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// The word.
    pub text: &'a str,
    /// Byte span in the normalised text.
    pub start: usize,
    /// End of the byte span.
    pub end: usize,
    /// Which sentence it belongs to.
    pub sentence: usize,
}

/// Symbols that are words of their own.
const SYMBOLS: &[char] = &['£', '$', '€', '%', '&', '@', '#', '+'];

/// True for characters that are part of a word.
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\''
}

/// Splits normalised text into words. `sentence_of` maps a byte offset to its sentence.
pub fn tokenize<'a>(text: &'a str, sentence_of: impl Fn(usize) -> usize) -> Vec<Token<'a>> {
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut start: Option<usize> = None;
    let push = |s: usize, e: usize, tokens: &mut Vec<Token<'a>>| {
        // Apostrophes at the edges are quotes, not part of the word.
        let word = &text[s..e];
        let trimmed_start = s + (word.len() - word.trim_start_matches('\'').len());
        let trimmed_end = e - (word.len() - word.trim_end_matches('\'').len());
        if trimmed_start < trimmed_end {
            tokens.push(Token {
                text: &text[trimmed_start..trimmed_end],
                start: trimmed_start,
                end: trimmed_end,
                sentence: sentence_of(trimmed_start),
            });
        }
    };
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        // A decimal point or thousands separator inside a number stays in the word.
        let numeric_join = matches!(c, '.' | ',')
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if word_char(c) || numeric_join {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            push(s, i, &mut tokens);
        }
        if SYMBOLS.contains(&c) {
            push(i, i + c.len_utf8(), &mut tokens);
        }
    }
    if let Some(s) = start {
        push(s, text.len(), &mut tokens);
    }
    tokens
}

/// Why a pattern could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Unbalanced parentheses, a stray `|`, `?` or `*`…
    #[error("{0}")]
    Syntax(String),
    /// `{name}` with no such macro.
    #[error("uses the undefined macro {{{0}}}")]
    UnknownMacro(String),
    /// Macros that refer to each other in a loop, or nest too deep.
    #[error("macros nest more than {MAX_DEPTH} deep (does a macro use itself?)")]
    TooDeep,
    /// A pattern that could match no words at all.
    #[error("can match an empty phrase; every pattern needs at least one required word")]
    Empty,
    /// A pattern so large it would be slow.
    #[error("is too large ({0} parts); split it into several cues")]
    TooLarge(usize),
}

const MAX_DEPTH: usize = 8;
const MAX_STATES: usize = 20_000;
const MAX_GAP: usize = 9;

/// What one word of the text must be.
#[derive(Debug, Clone, PartialEq)]
enum Pred {
    /// Exactly this word (interned).
    Word(u32),
    /// One of these words (interned, sorted): a compiled alternation of single words.
    Words(std::sync::Arc<[u32]>),
    /// A word starting with this.
    Prefix(Box<str>),
    /// A number.
    Number,
    /// A number within a range (inclusive).
    Range(f64, f64),
    /// Any word.
    Any,
}

impl Eq for Pred {}

#[derive(Debug, Clone)]
enum State {
    /// Consume a word satisfying the predicate, then go to `next`.
    Step(Pred, usize),
    /// Try both.
    Split(usize, usize),
    /// The pattern matched.
    Accept,
}

/// The parsed form of a pattern.
#[derive(Debug, Clone)]
enum Node {
    Word(String),
    Prefix(String),
    Number,
    Range(f64, f64),
    Any,
    Gap(usize),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Opt(Box<Node>),
    /// A macro's parsed body, shared by every pattern that uses it.
    Shared(std::sync::Arc<SharedNode>),
}

/// A macro body with what the compiler asks of it worked out once, not per pattern.
#[derive(Debug)]
struct SharedNode {
    node: Node,
    anchors: Option<Vec<String>>,
    empty: bool,
}

impl SharedNode {
    fn new(node: Node) -> SharedNode {
        SharedNode {
            anchors: anchors(&node).map(|words| words.into_iter().map(str::to_owned).collect()),
            empty: can_be_empty(&node),
            node,
        }
    }
}

struct Parser<'a> {
    chars: Vec<char>,
    at: usize,
    macros: &'a HashMap<String, String>,
    /// Macros already parsed (and factored): a macro is parsed once per taxonomy.
    cache: &'a mut HashMap<String, Node>,
    depth: usize,
}

impl Parser<'_> {
    fn parse(
        source: &str,
        macros: &HashMap<String, String>,
        cache: &mut HashMap<String, Node>,
        depth: usize,
    ) -> Result<Node, PatternError> {
        if depth > MAX_DEPTH {
            return Err(PatternError::TooDeep);
        }
        let mut parser = Parser {
            chars: source.chars().collect(),
            at: 0,
            macros,
            cache,
            depth,
        };
        let node = parser.alt()?;
        parser.skip_space();
        if parser.at < parser.chars.len() {
            return Err(PatternError::Syntax(format!(
                "unexpected {:?} at character {}",
                parser.chars[parser.at],
                parser.at + 1
            )));
        }
        Ok(node)
    }

    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn alt(&mut self) -> Result<Node, PatternError> {
        let mut options = vec![self.seq()?];
        loop {
            self.skip_space();
            if self.chars.get(self.at) == Some(&'|') {
                self.at += 1;
                options.push(self.seq()?);
            } else {
                break;
            }
        }
        Ok(if options.len() == 1 {
            options.remove(0)
        } else {
            Node::Alt(options)
        })
    }

    fn seq(&mut self) -> Result<Node, PatternError> {
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.chars.get(self.at) {
                None | Some('|' | ')') => break,
                Some(_) => {
                    let mut atom = self.atom()?;
                    if self.chars.get(self.at) == Some(&'?') {
                        self.at += 1;
                        atom = Node::Opt(Box::new(atom));
                    }
                    items.push(atom);
                }
            }
        }
        if items.is_empty() {
            return Err(PatternError::Syntax(
                "an empty alternative (`||`, `(|` or `|)`)".into(),
            ));
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Seq(items)
        })
    }

    fn atom(&mut self) -> Result<Node, PatternError> {
        match self.chars[self.at] {
            '(' => {
                self.at += 1;
                let inner = self.alt()?;
                self.skip_space();
                if self.chars.get(self.at) != Some(&')') {
                    return Err(PatternError::Syntax("a `(` is never closed".into()));
                }
                self.at += 1;
                Ok(inner)
            }
            '{' => {
                let close = self.chars[self.at..]
                    .iter()
                    .position(|&c| c == '}')
                    .map(|p| self.at + p);
                let Some(close) = close else {
                    return Err(PatternError::Syntax("a `{` is never closed".into()));
                };
                let name: String = self.chars[self.at + 1..close].iter().collect();
                self.at = close + 1;
                self.macro_node(name.trim())
            }
            ')' | '?' | '*' | '}' => Err(PatternError::Syntax(format!(
                "unexpected {:?} at character {}",
                self.chars[self.at],
                self.at + 1
            ))),
            _ => {
                let start = self.at;
                while self
                    .chars
                    .get(self.at)
                    .is_some_and(|&c| !c.is_whitespace() && !"()|?{}*".contains(c))
                {
                    self.at += 1;
                }
                let word: String = self.chars[start..self.at].iter().collect();
                let prefix = self.chars.get(self.at) == Some(&'*');
                if prefix {
                    self.at += 1;
                }
                Ok(word_node(&word, prefix))
            }
        }
    }

    fn macro_node(&mut self, name: &str) -> Result<Node, PatternError> {
        match name {
            "num" => return Ok(Node::Number),
            "any" => return Ok(Node::Any),
            _ => {}
        }
        if let Some(range) = name.strip_prefix("num:") {
            let (lo, hi) = range.split_once('-').ok_or_else(|| {
                PatternError::Syntax(format!(
                    "{{{name}}}: a number range is written {{num:LOW-HIGH}} or {{num:LOW-}}"
                ))
            })?;
            let bound = |s: &str, open: f64| {
                if s.trim().is_empty() {
                    Ok(open)
                } else {
                    s.trim().parse::<f64>().map_err(|_| {
                        PatternError::Syntax(format!("{{{name}}}: {s:?} is not a number"))
                    })
                }
            };
            return Ok(Node::Range(
                bound(lo, f64::NEG_INFINITY)?,
                bound(hi, f64::INFINITY)?,
            ));
        }
        if let Some(n) = name.strip_prefix('w').and_then(|n| n.parse::<usize>().ok()) {
            if (1..=MAX_GAP).contains(&n) {
                return Ok(Node::Gap(n));
            }
        }
        if let Some(node) = self.cache.get(name) {
            return Ok(node.clone());
        }
        let body = self
            .macros
            .get(name)
            .ok_or_else(|| PatternError::UnknownMacro(name.to_owned()))?;
        let node = Node::Shared(std::sync::Arc::new(SharedNode::new(factor(Parser::parse(
            body,
            self.macros,
            self.cache,
            self.depth + 1,
        )?))));
        self.cache.insert(name.to_owned(), node.clone());
        Ok(node)
    }
}

/// A word as written in a pattern: normalised and split like text words.
fn word_node(word: &str, prefix: bool) -> Node {
    // Most pattern words are already plain lower-case words: no normalising needed.
    let plain = word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'\'')
        && !word.starts_with('\'')
        && !word.ends_with('\'');
    if plain {
        return if prefix {
            Node::Prefix(word.to_owned())
        } else {
            Node::Word(word.to_owned())
        };
    }
    let normalised = super::normalise::Normalised::new(word);
    let parts: Vec<String> = tokenize(&normalised.text, |_| 0)
        .iter()
        .map(|t| t.text.to_owned())
        .collect();
    if parts.is_empty() {
        // Punctuation ("mr." or a lone ".") is not part of the words a text is split
        // into, so in a pattern it matches nothing and is skipped.
        return Node::Seq(Vec::new());
    }
    let last = parts.len() - 1;
    let nodes: Vec<Node> = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            if prefix && i == last {
                Node::Prefix(p)
            } else {
                Node::Word(p)
            }
        })
        .collect();
    if nodes.len() == 1 {
        nodes.into_iter().next().unwrap_or(Node::Any)
    } else {
        Node::Seq(nodes)
    }
}

/// One compiled pattern.
#[derive(Debug, Clone)]
struct Program {
    states: Vec<State>,
    /// For the start and every state a step leads to: the steps and accept reachable
    /// from it without consuming a word, as a range of `reach`. Worked out once here, so
    /// matching never walks the splits.
    reach_of: Vec<Range<usize>>,
    reach: Vec<usize>,
    /// The first steps that take a fixed word, as (word, state), sorted: a match
    /// starting at a word only tries these for that word, not every way to begin.
    first_words: Vec<(u32, usize)>,
    /// The other first steps (prefixes, numbers, any word).
    first_other: Vec<usize>,
}

impl Program {
    fn new(states: Vec<State>, start: usize) -> Program {
        let mut program = Program {
            reach_of: vec![0..0; states.len()],
            states,
            reach: Vec::new(),
            first_words: Vec::new(),
            first_other: Vec::new(),
        };
        let mut targets: Vec<usize> = program
            .states
            .iter()
            .filter_map(|state| match state {
                State::Step(_, next) => Some(*next),
                State::Split(..) | State::Accept => None,
            })
            .collect();
        targets.push(start);
        targets.sort_unstable();
        targets.dedup();
        // Which target's walk last saw each state (targets are distinct, so no reset).
        let mut seen = vec![usize::MAX; program.states.len()];
        let mut stack = Vec::new();
        for target in targets {
            let from = program.reach.len();
            stack.push(target);
            while let Some(s) = stack.pop() {
                if std::mem::replace(&mut seen[s], target) == target {
                    continue;
                }
                match &program.states[s] {
                    State::Split(a, b) => {
                        stack.push(*b);
                        stack.push(*a);
                    }
                    State::Step(..) | State::Accept => program.reach.push(s),
                }
            }
            program.reach_of[target] = from..program.reach.len();
        }
        for &s in &program.reach[program.reach_of[start].clone()] {
            match &program.states[s] {
                State::Step(Pred::Word(sym), _) => program.first_words.push((*sym, s)),
                State::Step(Pred::Words(set), _) => {
                    program.first_words.extend(set.iter().map(|&sym| (sym, s)));
                }
                State::Step(..) => program.first_other.push(s),
                State::Split(..) | State::Accept => {}
            }
        }
        program.first_words.sort_unstable();
        program
    }

    /// The first steps that can take `word`.
    fn first_steps(&self, word: Option<u32>) -> impl Iterator<Item = usize> + '_ {
        let by_word = match word {
            Some(sym) => {
                let from = self.first_words.partition_point(|&(w, _)| w < sym);
                let to = self.first_words.partition_point(|&(w, _)| w <= sym);
                &self.first_words[from..to]
            }
            None => &[],
        };
        by_word
            .iter()
            .map(|&(_, s)| s)
            .chain(self.first_other.iter().copied())
    }

    /// The steps and accept reachable from `state` (a start or step target).
    fn reach(&self, state: usize) -> &[usize] {
        &self.reach[self.reach_of[state].clone()]
    }
}

/// The most anchor words kept for one pattern.
const MAX_ANCHORS: usize = 64;

/// Words so common that a pattern anchored on them is woken by nearly every text.
const COMMON: &[&str] = &[
    "a", "about", "an", "and", "as", "at", "be", "been", "but", "by", "did", "do", "for", "from",
    "had", "has", "have", "he", "her", "him", "his", "i", "i'm", "if", "in", "is", "it", "just",
    "me", "my", "not", "of", "on", "or", "our", "out", "she", "so", "that", "the", "their", "them",
    "they", "this", "to", "up", "us", "was", "we", "were", "with", "you", "your",
];

/// True for a word of [`COMMON`] (kept sorted for this search).
pub(crate) fn is_common(word: &str) -> bool {
    COMMON.binary_search(&word).is_ok()
}

/// A set of words one of which every match must contain, chosen to be as rare as
/// possible; `None` when a pattern has no such set (it is then always tried).
fn anchors(node: &Node) -> Option<Vec<&str>> {
    match node {
        Node::Word(w) => Some(vec![w.as_str()]),
        Node::Alt(options) => {
            let mut all = Vec::new();
            for option in options {
                all.extend(anchors(option)?);
                // So many alternatives anchor nothing useful; give up early.
                if all.len() > MAX_ANCHORS {
                    return None;
                }
            }
            Some(all)
        }
        Node::Seq(items) => items.iter().filter_map(anchors).min_by_key(|set| {
            set.iter()
                .map(|w| if is_common(w) { 40 } else { 1 })
                .sum::<usize>()
        }),
        Node::Shared(inner) => inner
            .anchors
            .as_ref()
            .map(|words| words.iter().map(String::as_str).collect()),
        Node::Prefix(_)
        | Node::Number
        | Node::Range(..)
        | Node::Any
        | Node::Gap(_)
        | Node::Opt(_) => None,
    }
}

/// The most anchor sets one pattern requires (a bit each in a mask).
const MAX_ANCHOR_SETS: usize = 32;

/// Every set of words of which each match must contain one: one per fixed part of a
/// sequence, so "gave me his number" needs `gave` and `number` in the sentence, not
/// just one of them.
fn required(node: &Node) -> Vec<Vec<&str>> {
    match node {
        Node::Word(w) => vec![vec![w.as_str()]],
        Node::Seq(items) => items.iter().flat_map(required).collect(),
        Node::Alt(_) | Node::Shared(_) => anchors(node).into_iter().collect(),
        Node::Prefix(_)
        | Node::Number
        | Node::Range(..)
        | Node::Any
        | Node::Gap(_)
        | Node::Opt(_) => Vec::new(),
    }
}

/// Where a pattern came from, chosen by whoever registers it (category, group, index).
pub type Owner = (u32, u32);

/// A match of one pattern: its owner and its span in tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The owner given at registration.
    pub owner: Owner,
    /// Token range.
    pub tokens: Range<usize>,
}

/// Every pattern of a taxonomy, compiled, with an index from first words to patterns.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    macros: HashMap<String, String>,
    macro_cache: HashMap<String, Node>,
    programs: Vec<(Owner, Program)>,
    symbols: foldhash::HashMap<String, u32>,
    /// Per word (by symbol): the patterns whose match can start with it.
    by_word: Vec<Vec<u32>>,
    by_prefix: Vec<(Box<str>, u32)>,
    /// Patterns that can start with a number, tried only at words starting with a digit.
    by_number: Vec<u32>,
    /// Patterns that can start with any word, tried everywhere.
    always: Vec<u32>,
    /// For each anchor word, the patterns that need it somewhere in the sentence, with
    /// the bit of the anchor set it belongs to.
    by_anchor: Vec<Vec<(u32, u32)>>,
    /// Per pattern: the bits of all its anchor sets; a sentence must hold a word of
    /// each. Zero when it has none worth checking (only very common words, or none at
    /// all), so it is eligible in every sentence without marking.
    needs: Vec<u32>,
}

impl Matcher {
    /// An empty matcher whose patterns may use `macros`.
    pub fn new(macros: HashMap<String, String>) -> Matcher {
        Matcher {
            macros,
            ..Matcher::default()
        }
    }

    /// Compiles `source` and registers it under `owner`.
    pub fn add(&mut self, owner: Owner, source: &str) -> Result<(), PatternError> {
        let node = factor(Parser::parse(
            source,
            &self.macros,
            &mut self.macro_cache,
            0,
        )?);
        if can_be_empty(&node) {
            return Err(PatternError::Empty);
        }
        // A set with a common word in it is in nearly every sentence: not worth marking.
        let mut anchor_sets: Vec<Vec<&str>> = required(&node)
            .into_iter()
            .filter(|set| !set.iter().any(|w| is_common(w)))
            .collect();
        anchor_sets.sort_unstable();
        anchor_sets.dedup();
        anchor_sets.truncate(MAX_ANCHOR_SETS);
        let anchor_sets: Vec<Vec<u32>> = anchor_sets
            .iter()
            .map(|set| set.iter().map(|w| self.symbol(w)).collect())
            .collect();
        let mut states = Vec::new();
        let accept = push(&mut states, State::Accept);
        let start = self.compile(&node, accept, &mut states)?;
        if states.len() > MAX_STATES {
            return Err(PatternError::TooLarge(states.len()));
        }
        let id = u32::try_from(self.programs.len())
            .map_err(|_| PatternError::TooLarge(self.programs.len()))?;
        let program = Program::new(states, start);
        // Index the pattern by the first steps the program already worked out.
        for &(sym, _) in &program.first_words {
            let list = slot(&mut self.by_word, sym);
            if list.last() != Some(&id) {
                list.push(id);
            }
        }
        for &s in &program.first_other {
            match &program.states[s] {
                State::Step(Pred::Prefix(p), _) => {
                    if !self.by_prefix.iter().any(|(q, i)| *i == id && q == p) {
                        self.by_prefix.push((p.clone(), id));
                    }
                }
                State::Step(Pred::Number | Pred::Range(..), _) => {
                    if self.by_number.last() != Some(&id) {
                        self.by_number.push(id);
                    }
                }
                State::Step(Pred::Any, _) => {
                    if self.always.last() != Some(&id) {
                        self.always.push(id);
                    }
                }
                State::Step(Pred::Word(_) | Pred::Words(_), _)
                | State::Split(..)
                | State::Accept => {}
            }
        }
        let mut needs = 0;
        for (k, set) in anchor_sets.iter().enumerate() {
            let bit = 1 << k;
            needs |= bit;
            for &sym in set {
                let list = slot(&mut self.by_anchor, sym);
                if !list.contains(&(id, bit)) {
                    list.push((id, bit));
                }
            }
        }
        self.needs.push(needs);
        self.programs.push((owner, program));
        Ok(())
    }

    fn symbol(&mut self, word: &str) -> u32 {
        // Most words are already known: look them up without allocating a key.
        if let Some(&known) = self.symbols.get(word) {
            return known;
        }
        let next = u32::try_from(self.symbols.len()).unwrap_or(u32::MAX);
        self.symbols.insert(word.to_owned(), next);
        next
    }

    /// Compiles `node` so that it continues to `next`; returns its entry state.
    fn compile(
        &mut self,
        node: &Node,
        next: usize,
        states: &mut Vec<State>,
    ) -> Result<usize, PatternError> {
        if states.len() > MAX_STATES {
            return Err(PatternError::TooLarge(states.len()));
        }
        Ok(match node {
            Node::Word(w) => {
                let sym = self.symbol(w);
                push(states, State::Step(Pred::Word(sym), next))
            }
            Node::Prefix(p) => push(states, State::Step(Pred::Prefix(p.as_str().into()), next)),
            Node::Number => push(states, State::Step(Pred::Number, next)),
            Node::Range(lo, hi) => push(states, State::Step(Pred::Range(*lo, *hi), next)),
            Node::Any => push(states, State::Step(Pred::Any, next)),
            Node::Gap(n) => {
                let mut entry = next;
                for _ in 0..*n {
                    let step = push(states, State::Step(Pred::Any, entry));
                    entry = push(states, State::Split(step, next));
                }
                entry
            }
            Node::Seq(items) => {
                let mut entry = next;
                for item in items.iter().rev() {
                    entry = self.compile(item, entry, states)?;
                }
                entry
            }
            Node::Alt(options) => {
                // Single-word alternatives become one step that checks a set: macros of
                // hundreds of words then cost one lookup, not hundreds of states.
                let (single, rest): (Vec<&Node>, Vec<&Node>) =
                    options.iter().partition(|o| matches!(o, Node::Word(_)));
                let mut entries: Vec<usize> = Vec::with_capacity(rest.len() + 1);
                if single.len() > 1 {
                    let mut syms: Vec<u32> = single
                        .iter()
                        .filter_map(|o| {
                            if let Node::Word(w) = o {
                                Some(self.symbol(w))
                            } else {
                                None
                            }
                        })
                        .collect();
                    syms.sort_unstable();
                    syms.dedup();
                    entries.push(push(states, State::Step(Pred::Words(syms.into()), next)));
                } else if let Some(only) = single.first() {
                    entries.push(self.compile(only, next, states)?);
                }
                for option in rest {
                    entries.push(self.compile(option, next, states)?);
                }
                let mut entry = entries[entries.len() - 1];
                for &e in entries[..entries.len() - 1].iter().rev() {
                    entry = push(states, State::Split(e, entry));
                }
                entry
            }
            Node::Opt(inner) => {
                let body = self.compile(inner, next, states)?;
                push(states, State::Split(body, next))
            }
            Node::Shared(inner) => self.compile(&inner.node, next, states)?,
        })
    }

    /// Every match of every pattern in `tokens`: for each pattern and each start, the
    /// longest match within one sentence; matches of one pattern do not overlap.
    pub fn run(&self, tokens: &[Token<'_>]) -> Vec<Hit> {
        let syms: Vec<Option<u32>> = tokens
            .iter()
            .map(|t| self.symbols.get(t.text).copied())
            .collect();
        // Only patterns with a word of each anchor set in the sentence can match there:
        // each sentence stamps the patterns it marks with its own number and collects
        // the anchor sets it holds.
        let mut stamp: Vec<usize> = vec![usize::MAX; self.programs.len()];
        let mut held: Vec<u32> = vec![0; self.programs.len()];
        let mut marked_sentence = usize::MAX;
        let mut hits = Vec::new();
        // The end of the last match of each program, so its matches do not overlap.
        let mut busy_until: Vec<usize> = vec![0; self.programs.len()];
        let mut candidates: Vec<u32> = Vec::with_capacity(16);
        let mut scratch = Scratch::default();
        for i in 0..tokens.len() {
            let sentence = tokens[i].sentence;
            if sentence != marked_sentence {
                marked_sentence = sentence;
                for j in i..tokens.len() {
                    if tokens[j].sentence != sentence {
                        break;
                    }
                    if let Some(list) = syms[j].and_then(|sym| self.by_anchor.get(sym as usize)) {
                        for &(id, bit) in list {
                            let id = id as usize;
                            if stamp[id] != sentence {
                                stamp[id] = sentence;
                                held[id] = 0;
                            }
                            held[id] |= bit;
                        }
                    }
                }
            }
            // Patterns that can start here and whose anchors the sentence has. The word
            // index lists each pattern once, in order; only prefixes and patterns tried
            // everywhere can repeat one, and only then is the list sorted.
            let possible = |id: &u32| {
                let id = *id as usize;
                self.needs[id] == 0 || (stamp[id] == sentence && held[id] == self.needs[id])
            };
            candidates.clear();
            if let Some(list) = syms[i].and_then(|sym| self.by_word.get(sym as usize)) {
                for &id in list {
                    if possible(&id) {
                        candidates.push(id);
                    }
                }
            }
            let by_word = candidates.len();
            for (prefix, id) in &self.by_prefix {
                if possible(id) && tokens[i].text.starts_with(&**prefix) {
                    candidates.push(*id);
                }
            }
            if tokens[i].text.starts_with(|c: char| c.is_ascii_digit()) {
                for &id in &self.by_number {
                    if possible(&id) {
                        candidates.push(id);
                    }
                }
            }
            for &id in &self.always {
                if possible(&id) {
                    candidates.push(id);
                }
            }
            if candidates.len() > by_word {
                candidates.sort_unstable();
                candidates.dedup();
            }
            for &id in &candidates {
                if i < busy_until[id as usize] {
                    continue;
                }
                let (owner, program) = &self.programs[id as usize];
                if let Some(end) = longest(program, tokens, &syms, i, &mut scratch) {
                    hits.push(Hit {
                        owner: *owner,
                        tokens: i..end,
                    });
                    busy_until[id as usize] = end;
                }
            }
        }
        hits
    }

    /// How many patterns each word of `tokens` wakes, in total (for tuning).
    pub fn candidate_count(&self, tokens: &[Token<'_>]) -> (usize, Vec<(String, usize)>) {
        let mut per_word: HashMap<&str, usize> = HashMap::new();
        let mut total = 0;
        for t in tokens {
            let n = self
                .symbols
                .get(t.text)
                .and_then(|&s| self.by_word.get(s as usize))
                .map_or(0, Vec::len)
                + self.always.len()
                + if t.text.starts_with(|c: char| c.is_ascii_digit()) {
                    self.by_number.len()
                } else {
                    0
                };
            total += n;
            *per_word.entry(t.text).or_default() += n;
        }
        let mut top: Vec<(String, usize)> = per_word
            .into_iter()
            .map(|(w, n)| (w.to_owned(), n))
            .collect();
        top.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        top.truncate(15);
        (total, top)
    }

    /// Index sizes, for diagnostics: (patterns, words, prefixes, tried at every number
    /// or word).
    pub fn stats(&self) -> (usize, usize, usize, usize) {
        (
            self.programs.len(),
            self.by_word.iter().filter(|list| !list.is_empty()).count(),
            self.by_prefix.len(),
            self.by_number.len() + self.always.len(),
        )
    }

    /// How many patterns are compiled.
    pub fn len(&self) -> usize {
        self.programs.len()
    }

    /// True when no pattern is compiled.
    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }
}

#[derive(Default)]
struct Scratch {
    current: Vec<usize>,
    next: Vec<usize>,
    seen: Vec<u32>,
    generation: u32,
}

/// The end (exclusive, in tokens) of the longest match of `program` starting at `start`.
fn longest(
    program: &Program,
    tokens: &[Token<'_>],
    syms: &[Option<u32>],
    start: usize,
    scratch: &mut Scratch,
) -> Option<usize> {
    if scratch.seen.len() < program.states.len() {
        scratch.seen.resize(program.states.len(), 0);
    }
    scratch.current.clear();
    scratch.current.extend(program.first_steps(syms[start]));
    let mut accepted = None;
    let sentence = tokens[start].sentence;
    let mut at = start;
    while !scratch.current.is_empty() {
        if at >= tokens.len() || tokens[at].sentence != sentence {
            break;
        }
        scratch.generation = scratch.generation.wrapping_add(1);
        if scratch.generation == 0 {
            // Wrapped: forget every old mark rather than mistake one for this round's.
            scratch.seen.fill(0);
            scratch.generation = 1;
        }
        let generation = scratch.generation;
        scratch.next.clear();
        let mut accepts = false;
        for &s in &scratch.current {
            if let State::Step(pred, next) = &program.states[s] {
                let ok = match pred {
                    Pred::Word(sym) => syms[at] == Some(*sym),
                    Pred::Words(set) => syms[at].is_some_and(|s| set.binary_search(&s).is_ok()),
                    Pred::Prefix(p) => tokens[at].text.starts_with(&**p),
                    Pred::Number => tokens[at].text.starts_with(|c: char| c.is_ascii_digit()),
                    Pred::Range(lo, hi) => {
                        number(tokens[at].text).is_some_and(|n| n >= *lo && n <= *hi)
                    }
                    Pred::Any => true,
                };
                if ok {
                    for &t in program.reach(*next) {
                        let mark = &mut scratch.seen[t];
                        if *mark != generation {
                            *mark = generation;
                            accepts |= matches!(program.states[t], State::Accept);
                            scratch.next.push(t);
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut scratch.current, &mut scratch.next);
        at += 1;
        if accepts {
            accepted = Some(at);
        }
    }
    accepted
}

/// The value of a number word ("1,200" → 1200, "20s" → 20), if it starts with digits.
fn number(word: &str) -> Option<f64> {
    let digits: String = word
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    digits.trim_end_matches('.').parse().ok()
}

/// The list for symbol `sym` in a table indexed by symbol, grown as needed.
fn slot<T>(table: &mut Vec<Vec<T>>, sym: u32) -> &mut Vec<T> {
    let at = sym as usize;
    if table.len() <= at {
        table.resize_with(at + 1, Vec::new);
    }
    &mut table[at]
}

fn push(states: &mut Vec<State>, state: State) -> usize {
    states.push(state);
    states.len() - 1
}

/// The first word of a node that starts with a fixed word.
fn leading_word(node: &Node) -> Option<&str> {
    match node {
        Node::Word(w) => Some(w),
        Node::Seq(items) => items.first().and_then(leading_word),
        _ => None,
    }
}

/// A node without its leading word (`None` when nothing is left).
fn without_leading_word(node: Node) -> Option<Node> {
    match node {
        Node::Word(_) => None,
        Node::Seq(mut items) => {
            let first = items.remove(0);
            let rest_of_first = without_leading_word(first);
            let mut rest: Vec<Node> = rest_of_first.into_iter().collect();
            rest.extend(items);
            match rest.len() {
                0 => None,
                1 => rest.pop(),
                _ => Some(Node::Seq(rest)),
            }
        }
        other => Some(other),
    }
}

/// Shares common leading words between alternatives ("i am | i am getting | i feel" →
/// "i (am (getting)? | feel)"), so matching walks a tree instead of every alternative.
fn factor(node: Node) -> Node {
    match node {
        Node::Seq(items) => Node::Seq(items.into_iter().map(factor).collect()),
        Node::Opt(inner) => Node::Opt(Box::new(factor(*inner))),
        Node::Alt(options) => {
            let options: Vec<Node> = options.into_iter().map(factor).collect();
            let mut groups: Vec<(Option<String>, Vec<Node>)> = Vec::new();
            let mut index: HashMap<String, usize> = HashMap::new();
            for option in options {
                let key = match &option {
                    Node::Word(_) => None, // single words become one set lookup when compiled
                    other => leading_word(other).map(str::to_owned),
                };
                if let Some(&at) = key.as_ref().and_then(|k| index.get(k)) {
                    groups[at].1.push(option);
                } else {
                    if let Some(k) = &key {
                        index.insert(k.clone(), groups.len());
                    }
                    groups.push((key, vec![option]));
                }
            }
            let mut out = Vec::with_capacity(groups.len());
            for (key, members) in groups {
                match key {
                    Some(word) if members.len() > 1 => {
                        let mut empty = false;
                        let rests: Vec<Node> = members
                            .into_iter()
                            .filter_map(|m| {
                                let rest = without_leading_word(m);
                                empty |= rest.is_none();
                                rest
                            })
                            .collect();
                        let tail = match rests.len() {
                            0 => None,
                            1 => rests.into_iter().next(),
                            _ => Some(factor(Node::Alt(rests))),
                        };
                        let tail = tail.map(|t| if empty { Node::Opt(Box::new(t)) } else { t });
                        let mut seq = vec![Node::Word(word)];
                        seq.extend(tail);
                        out.push(if seq.len() == 1 {
                            seq.remove(0)
                        } else {
                            Node::Seq(seq)
                        });
                    }
                    _ => out.extend(members),
                }
            }
            if out.len() == 1 {
                out.remove(0)
            } else {
                Node::Alt(out)
            }
        }
        other => other,
    }
}

fn can_be_empty(node: &Node) -> bool {
    match node {
        Node::Word(_) | Node::Prefix(_) | Node::Number | Node::Range(..) | Node::Any => false,
        Node::Gap(_) | Node::Opt(_) => true,
        Node::Seq(items) => items.iter().all(can_be_empty),
        Node::Alt(options) => options.iter().any(can_be_empty),
        Node::Shared(inner) => inner.empty,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_words_are_sorted_for_binary_search() {
        assert!(super::COMMON.windows(2).all(|w| w[0] < w[1]));
    }

    use super::*;

    fn tokens(text: &str) -> Vec<Token<'_>> {
        tokenize(text, |_| 0)
    }

    fn words(text: &str) -> Vec<&str> {
        tokens(text).iter().map(|t| t.text).collect()
    }

    fn matches(pattern: &str, text: &str) -> Vec<String> {
        let mut macros = HashMap::new();
        macros.insert("pron".to_owned(), "his|her|their".to_owned());
        macros.insert("give".to_owned(), "gave|give*|hand*|slipped".to_owned());
        let mut m = Matcher::new(macros);
        m.add((0, 0), pattern).unwrap();
        let toks = tokens(text);
        m.run(&toks)
            .iter()
            .map(|h| {
                toks[h.tokens.clone()]
                    .iter()
                    .map(|t| t.text)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn tokenizer_splits_on_hyphens_keeps_apostrophes_and_numbers() {
        assert_eq!(
            words("a long-stay pt didn't pay £20.50, 1,200 quid!"),
            [
                "a", "long", "stay", "pt", "didn't", "pay", "£", "20.50", "1,200", "quid"
            ]
        );
        assert_eq!(words("'quoted' words' end"), ["quoted", "words", "end"]);
        assert_eq!(words("e-mail/text"), ["e", "mail", "text"]);
    }

    #[test]
    fn sequences_alternatives_options_prefixes_and_gaps() {
        assert_eq!(
            matches(
                "{give} me {pron} (personal )?number",
                "he gave me his personal number today"
            ),
            ["gave me his personal number"]
        );
        assert_eq!(
            matches(
                "{give} me {pron} (personal )?number",
                "handed me their number"
            ),
            ["handed me their number"]
        );
        assert_eq!(
            matches("text* me", "she texted me and texts me"),
            ["texted me", "texts me"]
        );
        assert_eq!(
            matches("gave me {w2} number", "gave me his mobile number"),
            ["gave me his mobile number"]
        );
        assert!(matches("gave me {w1} number", "gave me his mobile number").is_empty());
        assert_eq!(matches("£ {num}", "a £50 voucher"), ["£ 50"]);
        assert_eq!(matches("long-stay", "a long stay patient"), ["long stay"]);
        assert_eq!(
            matches("£ {num:20-}", "£5 then £20 then £1,200"),
            ["£ 20", "£ 1,200"]
        );
        assert_eq!(
            matches("{num:10-17} year old", "a 15 year old and a 40 year old"),
            ["15 year old"]
        );
    }

    #[test]
    fn the_longest_match_wins_and_matches_do_not_overlap() {
        assert_eq!(
            matches("friend (request)?", "a friend request and a friend"),
            ["friend request", "friend"]
        );
    }

    #[test]
    fn matches_stay_inside_one_sentence() {
        let mut m = Matcher::new(HashMap::new());
        m.add((0, 0), "gave me {w2} number").unwrap();
        let toks = tokenize("he gave me. his number", |at| usize::from(at >= 11));
        assert!(m.run(&toks).is_empty());
    }

    #[test]
    fn bad_patterns_are_named_errors() {
        let mut m = Matcher::new(HashMap::new());
        assert!(matches!(
            m.add((0, 0), "(unclosed"),
            Err(PatternError::Syntax(_))
        ));
        assert!(matches!(
            m.add((0, 0), "a || b"),
            Err(PatternError::Syntax(_))
        ));
        assert!(matches!(
            m.add((0, 0), "{nope} x"),
            Err(PatternError::UnknownMacro(_))
        ));
        assert!(matches!(
            m.add((0, 0), "(maybe)?"),
            Err(PatternError::Empty)
        ));
        assert!(matches!(m.add((0, 0), "{w3}"), Err(PatternError::Empty)));
        assert!(matches!(m.add((0, 0), "?x"), Err(PatternError::Syntax(_))));
        let mut looping = HashMap::new();
        looping.insert("a".to_owned(), "x {a}".to_owned());
        let mut m = Matcher::new(looping);
        assert!(matches!(m.add((0, 0), "{a}"), Err(PatternError::TooDeep)));
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    /// Every pattern tried at every word, with no index or anchors: what `run` must find.
    fn exhaustive(matcher: &Matcher, tokens: &[Token<'_>]) -> Vec<Hit> {
        let syms: Vec<Option<u32>> = tokens
            .iter()
            .map(|t| matcher.symbols.get(t.text).copied())
            .collect();
        let mut busy_until = vec![0; matcher.programs.len()];
        let mut scratch = Scratch::default();
        let mut hits = Vec::new();
        for i in 0..tokens.len() {
            for (id, (owner, program)) in matcher.programs.iter().enumerate() {
                if i < busy_until[id] {
                    continue;
                }
                if let Some(end) = longest(program, tokens, &syms, i, &mut scratch) {
                    hits.push(Hit {
                        owner: *owner,
                        tokens: i..end,
                    });
                    busy_until[id] = end;
                }
            }
        }
        hits
    }

    fn sorted(mut hits: Vec<Hit>) -> Vec<(Owner, usize, usize)> {
        let mut out: Vec<_> = hits
            .drain(..)
            .map(|h| (h.owner, h.tokens.start, h.tokens.end))
            .collect();
        out.sort_unstable();
        out
    }

    proptest::proptest! {
        #![proptest_config(crate::testing::proptest_config())]

        /// The word index, the number index and the anchor sets only skip patterns that
        /// cannot match: `run` finds exactly what trying everything everywhere finds.
        #[test]
        fn the_indexes_never_lose_a_match(words in proptest::collection::vec(
            // Whole phrases that match, and words that break or pad them.
            proptest::sample::select(vec![
                "gave me his number", "gave me her personal number", "3 year old",
                "20 quid", "texted me", "the nurse and i visited", "friend on facebook",
                "he gave cash", "he", "gave", "me", "his", "number", "personal", "20",
                "pounds", "year", "old", "texting", "a", "card", "friend", "facebook",
                ".", "and", "i", "nurse",
            ]),
            0..30,
        )) {
            let mut macros = HashMap::new();
            macros.insert("pron".to_owned(), "his|her|their".to_owned());
            macros.insert("money".to_owned(), "cash|{num} (quid|pounds)|card".to_owned());
            let mut matcher = Matcher::new(macros);
            let patterns = [
                "gave me {pron} (personal)? number",
                "{num:1-17} year old",
                "{money}",
                "text* me",
                "(the|a) nurse (and i|and me) visited",
                "friend {w3} facebook",
                "{any} quid",
                "he {w2} (cash|card)",
                "(nurse|friend)",
                "facebook",
                "old (friend)?",
            ];
            for (i, pattern) in (0..).zip(patterns) {
                matcher.add((0, i), pattern).unwrap();
            }
            let text = words.join(" ");
            // Sentences end at each full stop.
            let tokens = tokenize(&text, |at| text[..at].matches('.').count());
            proptest::prop_assert_eq!(
                sorted(matcher.run(&tokens)),
                sorted(exhaustive(&matcher, &tokens))
            );
        }
    }
}
