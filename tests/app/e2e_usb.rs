//! End-to-end: a USB stick (a folder appearing under a configured mount root) updates the screen.
