//! The fuzz targets' shared code: [`harness`] (also compiled into
//! kiosk-core's stable `fuzz_replay` test and `fuzz_seeds` example) and what
//! only libFuzzer needs.

#[path = "harness.rs"]
mod harness;
pub use harness::*;

/// What libFuzzer keeps: an input meant for another target is not added to
/// this one's corpus.
pub fn verdict(for_this_target: bool) -> libfuzzer_sys::Corpus {
    if for_this_target {
        libfuzzer_sys::Corpus::Keep
    } else {
        libfuzzer_sys::Corpus::Reject
    }
}
