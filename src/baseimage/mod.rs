pub mod reference;
pub mod lifecycle;
pub mod policy;
pub mod images;
