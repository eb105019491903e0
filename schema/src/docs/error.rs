//! Errors and warnings about a page, each naming its place (`file:line:col`).

use std::fmt;

/// Why a page cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{col}: error: {message}")]
pub struct DocError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub col: usize,
    pub message: String,
}

/// Something the parser did not know for sure, with the line it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: warning: {}", self.file, self.line, self.message)
    }
}

/// An error before the file name is known: line, column, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Located {
    pub fn new(line: usize, col: usize, message: impl Into<String>) -> Self {
        Located {
            line,
            col,
            message: message.into(),
        }
    }

    pub fn in_file(self, file: &str) -> DocError {
        DocError {
            file: file.to_string(),
            line: self.line,
            col: self.col,
            message: self.message,
        }
    }
}
