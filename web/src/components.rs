//! One component per file.

pub mod app;
pub mod check_evidence;
pub mod check_findings;
pub mod check_progress;
pub mod check_view;
pub mod copy_button;
pub mod copy_link;
pub mod diagnostic_list;
pub mod editor;
pub mod generate_view;
pub mod lint_view;
pub mod list_field;
pub mod nav;
pub mod output_block;
pub mod permalink_banner;
pub mod reports_view;
pub mod rule_doc;
pub mod rules_view;
pub mod select;
pub mod summary_card;
pub mod verdict_card;
