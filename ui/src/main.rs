//! Entry point of the wasm UI.

fn main() {
    hearth_ui::start();
}
