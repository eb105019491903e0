//! The generated `Dispatcher::on_…` methods route a delivery to a typed handler.

use std::sync::mpsc;

use integration_tests::seeds;
use lark_events::application::v6::AppStatus;
use lark_events::dispatch::{Dispatched, Dispatcher};
use lark_events::DispatcherExt as _;

#[tokio::test]
async fn the_generated_method_routes_the_seed_event_to_its_handler() {
    let (sent, received) = mpsc::channel();
    let dispatcher =
        Dispatcher::new().on_p2_application_app_version_publish_apply_v6(move |event| {
            let sent = sent.clone();
            async move {
                sent.send(event.event.and_then(|data| data.app_status))?;
                Ok(())
            }
        });
    let (_, example) = seeds::examples().into_iter().next().unwrap();
    let outcome = dispatcher
        .dispatch(&serde_json::to_vec(&example).unwrap())
        .await
        .unwrap();
    assert!(matches!(outcome, Dispatched::Handled(_)), "{outcome:?}");
    assert_eq!(received.try_recv().unwrap(), Some(AppStatus::Enabled));
}
