//! Quick fixes for "did you mean" hints. A diagnostic's suggestion is in
//! its help text (`did you mean `X`?` or `did you mean "X"?`, the wording
//! every stage uses); the fix replaces the primary span — the misspelled
//! word — with it, keeping the quotes of a string literal.

use crate::diagnostics::Diagnostic;

/// The suggested replacement text for the primary span, if the help
/// carries one and the span is a single word or string.
pub fn fix(d: &Diagnostic, span_text: &str) -> Option<String> {
    let help = d.help.as_deref()?;
    let at = help.find("did you mean ")? + "did you mean ".len();
    let rest = help.get(at..)?;
    let close = match rest.chars().next()? {
        '`' => '`',
        '"' => '"',
        _ => return None,
    };
    let inner = rest.get(1..)?;
    let suggestion = inner.get(..inner.find(close)?)?;
    if suggestion.is_empty() || span_text.is_empty() || span_text.contains(char::is_whitespace) {
        return None;
    }
    // `ref(Account)` suggested for the target name alone.
    let suggestion = match (suggestion.find('('), span_text.contains('(')) {
        (Some(open), false) => suggestion
            .get(open + 1..)?
            .strip_suffix(')')
            .unwrap_or(suggestion),
        _ => suggestion,
    };
    let text = if span_text.starts_with('"') && !suggestion.starts_with('"') {
        format!("\"{suggestion}\"")
    } else {
        suggestion.to_string()
    };
    (text != span_text).then_some(text)
}
