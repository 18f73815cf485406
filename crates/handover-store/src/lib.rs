//! The Handover project file: SQLite schema, migrations, journal and audit log.
