//! Browser tests of the page shell (run by `wasm-pack test --headless --chrome`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

#[wasm_bindgen_test]
async fn the_page_renders_its_title_and_regions() {
    let root = mount();
    yew::Renderer::<redfour::ui::app::App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    let title = root.query_selector(".brand").unwrap().expect("a title");
    assert_eq!(title.text_content().unwrap(), "Red:4 Store");
    for region in [
        "region-floor",
        "region-tree",
        "region-processes",
        "region-inspector",
        "region-console",
        "region-trace",
        "region-charts",
    ] {
        let selector = format!("[data-testid='{region}']");
        assert!(
            root.query_selector(&selector).unwrap().is_some(),
            "missing {region}"
        );
    }
}
