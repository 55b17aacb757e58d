#![no_main]

// `cargo xtask fuzz` runs this one under the photo worker's limits
// (`WorkerLimits::default()`): libFuzzer's -malloc_limit_mb and -rss_limit_mb
// for its address-space limit, -timeout for its time-out.
libfuzzer_sys::fuzz_target!(|data: &[u8]| -> libfuzzer_sys::Corpus {
    kiosk_fuzz::verdict(kiosk_fuzz::photo_decode(data))
});
