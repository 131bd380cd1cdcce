//! A tiny `--flag value` parser shared by the bench and drill verbs.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{bail, Context, Result};

/// Flags given as `--name value` or `--name` (a switch).
#[derive(Debug, Default)]
pub(crate) struct Args {
    values: BTreeMap<String, Option<String>>,
}

impl Args {
    /// Parses `--name value` pairs and bare `--switch`es; positional words are refused.
    pub(crate) fn parse(words: &[String]) -> Result<Self> {
        let mut values = BTreeMap::new();
        let mut it = words.iter().peekable();
        while let Some(word) = it.next() {
            let Some(name) = word.strip_prefix("--") else {
                bail!("unexpected argument {word:?} (flags are --name value)");
            };
            let (name, value) = match name.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => {
                    let value = match it.peek() {
                        Some(next) if !next.starts_with("--") => it.next().cloned(),
                        _ => None,
                    };
                    (name.to_owned(), value)
                }
            };
            values.insert(name, value);
        }
        Ok(Self { values })
    }

    /// The value of `--name`, parsed, or `default` when absent.
    pub(crate) fn get<T>(&self, name: &str, default: T) -> Result<T>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        Ok(self.opt(name)?.unwrap_or(default))
    }

    /// The value of `--name`, parsed, when given.
    pub(crate) fn opt<T>(&self, name: &str) -> Result<Option<T>>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match self.values.get(name) {
            None => Ok(None),
            Some(None) => bail!("--{name} needs a value"),
            Some(Some(raw)) => raw
                .parse()
                .map(Some)
                .map_err(|e: T::Err| anyhow::anyhow!("{e}"))
                .with_context(|| format!("--{name} {raw:?}")),
        }
    }

    /// Whether the switch `--name` was given.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }
}
