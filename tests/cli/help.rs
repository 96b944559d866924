//! `--help` for every command, snapshotted: any change to the interface shows up as a
//! diff in review.

use crate::support::TestEnv;

#[test]
fn help_snapshots() {
    let env = TestEnv::empty();
    let top = env.ok(&["--help"]);
    insta::assert_snapshot!("help_top", top);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert!(commands.len() >= 8, "{commands:?}");
    for command in commands {
        let help = env.ok(&[&command, "--help"]);
        assert!(
            help.contains("Examples:"),
            "`{command} --help` has no examples"
        );
        insta::assert_snapshot!(format!("help_{command}"), help);
    }
}
