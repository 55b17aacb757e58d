//! The view's TypeScript declarations, generated from these Rust types
//! (`ts-rs`) into `ui/control/view.d.ts`. The UI's modules are checked
//! against them by `tsc --checkJs`, so a field the JavaScript reads and the
//! core does not send fails the build of the tests, not the organizer.

use std::collections::BTreeMap;

use ts_rs::{Config, TypeVisitor, TS};

use super::glance::{EmergencyIntent, RoomStatusIntent};
use super::intent::{AnnouncementIntent, EditIntent};
use super::view::{ControlState, Done, Preview};

/// Where the UI keeps the generated file, relative to the repository root.
pub const TYPESCRIPT_FILE: &str = "ui/control/view.d.ts";

struct Collect<'a> {
    cfg: &'a Config,
    decls: BTreeMap<String, String>,
    /// Which Rust type took each TypeScript name: two types of one name
    /// would silently leave one of them out of the file.
    owners: BTreeMap<String, std::any::TypeId>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only declared types (derived ones) have a file; primitives and
        // containers are inlined.
        if T::output_path().is_none() {
            T::visit_generics(self);
            return;
        }
        let name = T::ident(self.cfg);
        let owner = *self
            .owners
            .entry(name.clone())
            .or_insert(std::any::TypeId::of::<T>());
        assert!(
            owner == std::any::TypeId::of::<T>(),
            "two Rust types are both `{name}` in TypeScript ({}): give one a #[ts(rename)]",
            std::any::type_name::<T>()
        );
        if self.decls.contains_key(&name) {
            return;
        }
        let mut decl = T::docs().unwrap_or_default();
        decl.push_str("export ");
        decl.push_str(&T::decl(self.cfg));
        self.decls.insert(name, decl);
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// Every type the panel receives or sends, in one declaration file.
pub fn typescript() -> String {
    let cfg = Config::new();
    let mut collect = Collect {
        cfg: &cfg,
        decls: BTreeMap::new(),
        owners: BTreeMap::new(),
    };
    collect.visit::<ControlState>();
    collect.visit::<Preview>();
    collect.visit::<Done>();
    collect.visit::<EditIntent>();
    collect.visit::<AnnouncementIntent>();
    collect.visit::<RoomStatusIntent>();
    collect.visit::<EmergencyIntent>();
    collect.visit::<crate::fleet::Action>();
    collect.visit::<crate::i18n::panel::PanelLabels>();
    let mut out = String::from(
        "// Generated from kiosk-core's control view (crates/core/src/control/) by\n\
         // `SUMMIT_UPDATE_VIEW_TYPES=1 cargo test --workspace --test core control`. Do not edit.\n\n",
    );
    for decl in collect.decls.values() {
        out.push_str(decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}
