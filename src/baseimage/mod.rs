pub mod reference;
pub mod lifecycle;
