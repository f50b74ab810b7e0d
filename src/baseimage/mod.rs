pub mod images;
pub mod inventory;
pub mod lifecycle;
pub mod policy;
pub mod reference;
pub mod resolved;
