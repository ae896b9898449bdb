//! Dynamic SQL assembled from fragments and bound values.
//!
//! Filters whose shape depends on the request are built here once and then either bound
//! through sqlx's `QueryBuilder` (the only way they are ever executed) or rendered with
//! escaped literals for the `sqlite3` comparison in `hearth bench`. One source, two
//! renderings, so the benchmark always runs the very SQL the app runs.

use sqlx::{QueryBuilder, Sqlite};

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(i64),
    Text(String),
}

#[derive(Debug, Clone)]
enum Part {
    Sql(&'static str),
    Bind(Value),
}

/// SQL text with bound values in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct SqlParts {
    parts: Vec<Part>,
}

impl SqlParts {
    pub(crate) fn sql(&mut self, sql: &'static str) -> &mut Self {
        self.parts.push(Part::Sql(sql));
        self
    }

    pub(crate) fn int(&mut self, value: i64) -> &mut Self {
        self.parts.push(Part::Bind(Value::Int(value)));
        self
    }

    pub(crate) fn text(&mut self, value: impl Into<String>) -> &mut Self {
        self.parts.push(Part::Bind(Value::Text(value.into())));
        self
    }

    /// `(?, ?, ...)` with one bound text per item.
    pub(crate) fn text_list<I, S>(&mut self, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.sql("(");
        for (n, value) in values.into_iter().enumerate() {
            if n > 0 {
                self.sql(", ");
            }
            self.text(value);
        }
        self.sql(")")
    }

    /// The executable form: every value bound, nothing interpolated.
    pub(crate) fn builder(&self) -> QueryBuilder<'_, Sqlite> {
        let mut builder = QueryBuilder::new("");
        for part in &self.parts {
            match part {
                Part::Sql(sql) => {
                    builder.push(*sql);
                }
                Part::Bind(Value::Int(v)) => {
                    builder.push_bind(*v);
                }
                Part::Bind(Value::Text(v)) => {
                    builder.push_bind(v.as_str());
                }
            }
        }
        builder
    }

    /// The same statement with values written as SQL literals (quotes doubled), for the
    /// `sqlite3` command-line comparison only.
    pub(crate) fn literal(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Sql(sql) => out.push_str(sql),
                Part::Bind(Value::Int(v)) => out.push_str(&v.to_string()),
                Part::Bind(Value::Text(v)) => {
                    out.push('\'');
                    out.push_str(&v.replace('\'', "''"));
                    out.push('\'');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_renderings_agree_on_shape() {
        let mut q = SqlParts::default();
        q.sql("SELECT 1 WHERE a = ")
            .int(5)
            .sql(" AND b IN ")
            .text_list(["x", "o'k"]);
        assert_eq!(q.builder().sql(), "SELECT 1 WHERE a = ? AND b IN (?, ?)");
        assert_eq!(q.literal(), "SELECT 1 WHERE a = 5 AND b IN ('x', 'o''k')");
    }
}
