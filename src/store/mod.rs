//! The Red:4 store, written against the runtime's public API only: the seed's shopping
//! application, running.
//!
//! - [`shopping`]: the application tree, `start_session`, the persistence policy, figures;
//! - [`session`]: a customer's Session (the seed's struct, as a GenServer);
//! - [`catalog`]: Red:4 Aerospace's products and prices;
//! - [`sales`]: the books: sales, sessions, abandoned carts, items lost to crashes;
//! - [`session_store`]: where sessions save their state under the `snapshot` policy;
//! - [`customers`]: simulated customers and chaos;
//! - [`console_bindings`]: the store's modules in the console (`Redfour.Shopping`, the
//!   `Session`'s struct and functions), registered by the host where it builds the console.

pub mod catalog;
pub mod console_bindings;
pub mod customers;
pub mod sales;
pub mod session;
pub mod session_store;
pub mod shopping;
