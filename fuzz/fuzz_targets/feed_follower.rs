#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| -> libfuzzer_sys::Corpus {
    kiosk_fuzz::verdict(kiosk_fuzz::feed_follower(data))
});
