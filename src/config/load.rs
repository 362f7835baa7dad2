//! Finding and reading the configuration file: `--config`, `$RAMPART_CONFIG`, or the
//! platform directory; errors name the file and, for a mistake, its line and column.

use super::validate::validate;
use super::{Config, Vocabulary, CONFIG_ENV};
use crate::util::diagnostic::{diagnose, Diagnostic};
use std::path::{Path, PathBuf};

/// A parsed config and the file it came from (`None`: no file, defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: config file not found (named by {origin})", path.display())]
    NotFound { path: PathBuf, origin: &'static str },
    #[error("{}: cannot read config file: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(Diagnostic),
}

/// The platform configuration directory (`~/.config/rampart` on Linux); user themes live in
/// its `themes/` subdirectory.
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "rampart").map(|d| d.config_dir().to_path_buf())
}

/// Where user themes are looked for (`<config_dir>/themes`), for [`crate::theme::load`].
pub fn user_theme_dirs() -> Vec<PathBuf> {
    config_dir().map(|d| d.join("themes")).into_iter().collect()
}

/// Finds and parses the config file: `explicit` (`--config`), else `$RAMPART_CONFIG`, else
/// `<config_dir>/config.toml`. Only the last may be absent (defaults, `path: None`).
pub fn load(explicit: Option<&Path>, vocabulary: &Vocabulary) -> Result<Loaded, ConfigError> {
    let env = std::env::var_os(CONFIG_ENV).map(PathBuf::from);
    load_from(
        explicit,
        env.as_deref(),
        config_dir().as_deref(),
        vocabulary,
    )
}

/// [`load`] with the environment and platform directory passed in, so tests do not depend
/// on (or modify) the process environment.
pub fn load_from(
    explicit: Option<&Path>,
    env: Option<&Path>,
    platform_dir: Option<&Path>,
    vocabulary: &Vocabulary,
) -> Result<Loaded, ConfigError> {
    // An empty variable is treated as unset, as shells make `VAR=` easy to leave behind.
    let env = env.filter(|p| !p.as_os_str().is_empty());
    let (path, origin) = match (explicit, env) {
        (Some(p), _) => (p.to_path_buf(), Some("--config")),
        (None, Some(p)) => (p.to_path_buf(), Some("$RAMPART_CONFIG")),
        (None, None) => match platform_dir {
            Some(dir) => (dir.join("config.toml"), None),
            None => return Ok(defaults()),
        },
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match origin {
                Some(origin) => Err(ConfigError::NotFound { path, origin }),
                None => Ok(defaults()),
            };
        }
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    let config = parse_str(&text, &path, vocabulary)?;
    Ok(Loaded {
        config,
        path: Some(path),
    })
}

pub(crate) fn defaults() -> Loaded {
    Loaded {
        config: Config::default(),
        path: None,
    }
}

/// Parses and validates config text; `file` is only used in messages.
pub fn parse_str(text: &str, file: &Path, vocabulary: &Vocabulary) -> Result<Config, ConfigError> {
    let mut config: Config =
        toml::from_str(text).map_err(|e| ConfigError::Invalid(diagnose(text, file, &e)))?;
    validate(&mut config, text, file, vocabulary).map_err(ConfigError::Invalid)?;
    Ok(config)
}
