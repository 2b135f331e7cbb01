//! `scaffold pack remove NAME`.

use anyhow::Result;

use crate::cli::PackRemoveArgs;
use crate::exit_code::ExitStatus;
use crate::pack::installed;

pub fn run(args: &PackRemoveArgs) -> Result<ExitStatus> {
    let removed = installed::remove(&args.name)?;
    crate::say!(
        "Removed the installed pack {} ({}).",
        args.name,
        removed.display()
    );
    Ok(ExitStatus::Success)
}
