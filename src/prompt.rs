//! Asking for values: the `Prompter` trait, its terminal implementation, and a scripted one.

use std::collections::VecDeque;

use anyhow::{Result, anyhow, bail};
use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Input, MultiSelect, Select};
use serde_json::Value;

use crate::answers::{display, parse_text};
use crate::pack::{Variable, VariableKind};

/// The user interrupted a prompt (Ctrl-C or Escape); exit code 130.
#[derive(Debug, thiserror::Error)]
#[error("cancelled: nothing was written")]
pub struct Cancelled;

/// Validates a typed value; `Err` carries the message shown to the user.
pub type Checker<'a> = dyn Fn(&Value) -> Result<(), String> + 'a;

/// Something that can ask the user questions.
pub trait Prompter {
    /// Asks which pack to use; `packs` holds (name, description) pairs.
    fn choose_pack(&mut self, packs: &[(&str, &str)]) -> Result<usize>;

    /// Asks which components to include; `offered` holds (name, description) pairs and
    /// `chosen` the ones ticked at first. Returns the indices of the ticked ones.
    fn choose_components(
        &mut self,
        offered: &[(&str, &str)],
        chosen: &[bool],
    ) -> Result<Vec<usize>>;

    /// Asks for one variable's value, offering `default`, re-asking until `check` passes.
    fn ask(
        &mut self,
        var: &Variable,
        default: Option<&Value>,
        check: &Checker<'_>,
    ) -> Result<Value>;

    /// A yes/no question whose answer is no unless the user says yes.
    fn confirm(&mut self, _question: &str) -> Result<bool> {
        Ok(false)
    }
}

/// Prompts on the terminal (stderr) with dialoguer.
pub struct TerminalPrompter {
    term: Term,
    theme: ColorfulTheme,
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        TerminalPrompter {
            term: Term::stderr(),
            theme: ColorfulTheme::default(),
        }
    }
}

impl TerminalPrompter {
    fn text(&self, var: &Variable, default: Option<&Value>, check: &Checker<'_>) -> Result<Value> {
        let mut input = Input::<String>::with_theme(&self.theme)
            .with_prompt(var.question())
            .allow_empty(true)
            .validate_with(|text: &String| -> Result<(), String> {
                check(&parse_text(var, text)?)
            });
        if let Some(default) = default {
            input = input.default(display(default));
        }
        let text = input.interact_text_on(&self.term).map_err(interrupted)?;
        parse_text(var, &text).map_err(|reason| anyhow!("`{}` {reason}", var.name))
    }
}

impl Prompter for TerminalPrompter {
    fn confirm(&mut self, question: &str) -> Result<bool> {
        Confirm::with_theme(&self.theme)
            .with_prompt(question)
            .default(false)
            .interact_on(&self.term)
            .map_err(interrupted)
    }

    fn choose_pack(&mut self, packs: &[(&str, &str)]) -> Result<usize> {
        Select::with_theme(&self.theme)
            .with_prompt("Pack")
            .items(aligned(packs))
            .default(0)
            .interact_on(&self.term)
            .map_err(interrupted)
    }

    fn choose_components(
        &mut self,
        offered: &[(&str, &str)],
        chosen: &[bool],
    ) -> Result<Vec<usize>> {
        MultiSelect::with_theme(&self.theme)
            .with_prompt("Components (space toggles, enter accepts)")
            .items(aligned(offered))
            .defaults(chosen)
            .interact_on(&self.term)
            .map_err(interrupted)
    }

    fn ask(
        &mut self,
        var: &Variable,
        default: Option<&Value>,
        check: &Checker<'_>,
    ) -> Result<Value> {
        if let Some(help) = &var.help {
            self.term
                .write_line(&format!("  {}", dialoguer::console::style(help).dim()))?;
        }
        match var.kind {
            VariableKind::String | VariableKind::Int => self.text(var, default, check),
            VariableKind::Bool => Confirm::with_theme(&self.theme)
                .with_prompt(var.question())
                .default(default.and_then(Value::as_bool).unwrap_or(false))
                .interact_on(&self.term)
                .map(Value::Bool)
                .map_err(interrupted),
            VariableKind::Choice => {
                let current = default.map(display);
                let index = var
                    .choices
                    .iter()
                    .position(|c| Some(c) == current.as_ref())
                    .unwrap_or(0);
                let picked = Select::with_theme(&self.theme)
                    .with_prompt(var.question())
                    .items(&var.choices)
                    .default(index)
                    .interact_on(&self.term)
                    .map_err(interrupted)?;
                Ok(Value::from(var.choices[picked].as_str()))
            }
            VariableKind::MultiChoice => {
                let chosen: Vec<bool> = var
                    .choices
                    .iter()
                    .map(|c| {
                        default
                            .and_then(Value::as_array)
                            .is_some_and(|items| items.iter().any(|i| i.as_str() == Some(c)))
                    })
                    .collect();
                let picked = MultiSelect::with_theme(&self.theme)
                    .with_prompt(var.question())
                    .items(&var.choices)
                    .defaults(&chosen)
                    .interact_on(&self.term)
                    .map_err(interrupted)?;
                Ok(Value::Array(
                    picked
                        .into_iter()
                        .map(|i| Value::from(var.choices[i].as_str()))
                        .collect(),
                ))
            }
        }
    }
}

/// `name  description` lines with the descriptions aligned.
fn aligned(items: &[(&str, &str)]) -> Vec<String> {
    let width = items.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    items
        .iter()
        .map(|(name, description)| format!("{name:width$}  {description}"))
        .collect()
}

/// Ctrl-C or Escape at a prompt becomes [`Cancelled`]; the cursor is restored either way.
fn interrupted(err: dialoguer::Error) -> anyhow::Error {
    let _ = Term::stderr().show_cursor();
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        anyhow::Error::new(Cancelled)
    } else {
        anyhow::Error::new(io).context("reading an answer from the terminal")
    }
}

/// Answers prompts from a fixed list of typed lines, as a user would type them.
/// An empty line takes the default. Used by tests and by anything that replays answers.
#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    lines: VecDeque<String>,
    /// The questions that were asked, in order.
    pub asked: Vec<String>,
}

impl ScriptedPrompter {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(lines: I) -> Self {
        ScriptedPrompter {
            lines: lines.into_iter().map(Into::into).collect(),
            asked: Vec::new(),
        }
    }

    fn next_line(&mut self, question: &str) -> Result<String> {
        self.asked.push(question.to_owned());
        self.lines
            .pop_front()
            .ok_or_else(|| anyhow!("no scripted answer left for `{question}`"))
    }
}

impl Prompter for ScriptedPrompter {
    fn choose_pack(&mut self, packs: &[(&str, &str)]) -> Result<usize> {
        let line = self.next_line("Pack")?;
        packs
            .iter()
            .position(|(name, _)| *name == line)
            .ok_or_else(|| anyhow!("scripted pack `{line}` is not offered"))
    }

    /// A comma-separated list of component names; an empty line keeps the ticked ones.
    fn choose_components(
        &mut self,
        offered: &[(&str, &str)],
        chosen: &[bool],
    ) -> Result<Vec<usize>> {
        let line = self.next_line("Components")?;
        if line.is_empty() {
            return Ok((0..offered.len()).filter(|&i| chosen[i]).collect());
        }
        line.split(',')
            .map(|name| {
                offered
                    .iter()
                    .position(|(offered, _)| *offered == name.trim())
                    .ok_or_else(|| anyhow!("scripted component `{name}` is not offered"))
            })
            .collect()
    }

    fn ask(
        &mut self,
        var: &Variable,
        default: Option<&Value>,
        check: &Checker<'_>,
    ) -> Result<Value> {
        let line = self.next_line(&var.name)?;
        let value = match (line.is_empty(), default) {
            (true, Some(default)) => default.clone(),
            _ => parse_text(var, &line).map_err(|reason| anyhow!("`{}` {reason}", var.name))?,
        };
        if let Err(reason) = check(&value) {
            bail!("`{}` {reason}", var.name);
        }
        Ok(value)
    }
}
