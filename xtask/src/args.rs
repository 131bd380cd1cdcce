//! A tiny `--flag value` parser shared by the bench and drill verbs.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{bail, Context, Result};

/// Flags given as `--name value` or `--name` (a switch).
#[derive(Debug, Default)]
pub struct Args {
    values: BTreeMap<String, Option<String>>,
}

impl Args {
    /// Parses `--name value` pairs and bare `--switch`es; positional words are refused.
    pub fn parse(words: &[String]) -> Result<Self> {
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
    pub fn get<T>(&self, name: &str, default: T) -> Result<T>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        Ok(self.opt(name)?.unwrap_or(default))
    }

    /// The value of `--name`, parsed, when given.
    pub fn opt<T>(&self, name: &str) -> Result<Option<T>>
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
    pub fn flag(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Refuses any flag of `command` outside `known`: a misspelt option must not
    /// silently measure the defaults.
    pub fn only(&self, command: &str, known: &[&str]) -> Result<()> {
        let unknown: Vec<String> = self
            .values
            .keys()
            .filter(|name| !known.contains(&name.as_str()))
            .map(|name| format!("--{name}"))
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let known: Vec<String> = known.iter().map(|k| format!("--{k}")).collect();
        bail!(
            "{command}: unknown option {} (known: {})",
            unknown.join(", "),
            known.join(" ")
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_values_and_switches() {
        let a = Args::parse(&words("--requests 500 --no-postgres --seed=9")).unwrap();
        assert_eq!(a.get::<usize>("requests", 1).unwrap(), 500);
        assert_eq!(a.get::<u64>("seed", 1).unwrap(), 9);
        assert_eq!(a.get::<u32>("concurrency", 64).unwrap(), 64);
        assert!(a.flag("no-postgres"));
        assert!(a.get::<usize>("no-postgres", 1).is_err());
        assert!(a.get::<usize>("seed", 1).is_ok());
        assert!(Args::parse(&words("positional")).is_err());
        assert!(Args::parse(&words("--requests many"))
            .unwrap()
            .get::<usize>("requests", 1)
            .is_err());
        a.only("bench receiver", &["requests", "seed", "no-postgres"])
            .unwrap();
        let err = a.only("bench receiver", &["requests"]).unwrap_err();
        assert!(err.to_string().contains("--no-postgres, --seed"), "{err}");
    }
}
