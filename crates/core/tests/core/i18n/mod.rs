//! The screens' languages: the catalogues held to one set of keys and
//! placeholders, every key used, the clock by locale, the config key, and
//! the display's words through the real snapshot and `decorate`, and the
//! control panel's words (`panel_language`).

mod catalogue;
mod panel;
mod screen;
