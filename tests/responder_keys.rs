//! Issue 21 in the real binary, keys through a pseudo-terminal: `q` in a detail goes back
//! and quits only from the top (item 10); `D` opens the drill view from any pane and `x`
//! asks before closing a drill with unticked steps (item 9); `Space` marks in place (item 6).

mod support;

use support::{left_alternate_screen, PtyRun};

const NOW: &str = "2026-11-22T12:00:00Z";

#[test]
fn item10_q_backs_out_of_a_detail_then_quits() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (100, 30));
    run.wait_for_screen("demo ok");
    run.send("1");
    run.wait_for_screen("sort severity");
    run.send("\r");
    run.wait_for_screen("Product ARN");
    run.send("q");
    run.wait_for_screen("sort severity");
    assert!(
        run.child.try_wait().unwrap().is_none(),
        "q in a detail does not quit"
    );
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
    assert!(left_alternate_screen(&run.output()));
}

#[test]
fn item9_d_opens_the_drill_view_anywhere_and_x_asks_before_closing() {
    let home = tempfile::tempdir().unwrap();
    let mut run = PtyRun::start(&["--demo", "--now", NOW], home.path(), (120, 40));
    run.wait_for_screen("demo ok");
    run.send("2");
    run.send("D");
    run.wait_for_screen("No drill is running");
    run.send(":drill start root-account-use tabletop\r");
    run.wait_for_screen("Drill: ");
    // Space ticks the first step in place; the cursor does not move.
    run.send(" ");
    run.wait_for_screen("[x] +");
    run.send("x");
    run.wait_for_screen("Close the drill?");
    run.send("n");
    run.wait_for_screen("the drill goes on");
    run.send("x");
    run.wait_for_screen("Close the drill?");
    run.send("y");
    run.wait_for_screen("drill closed");
    run.send("D");
    run.wait_for_screen("4 Activity");
    run.send("q");
    assert_eq!(run.wait_exit(), 0);
}
