pub mod images;
pub mod lifecycle;
pub mod policy;
pub mod reference;
