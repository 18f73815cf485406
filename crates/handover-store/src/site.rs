//! The `site` table: one row with the customer, address, integrator and technician.

use rusqlite::{Connection, OptionalExtension};

use handover_model::Site;

use crate::error::Result;
use crate::migrate::Step;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 1,
    sql: "CREATE TABLE site (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        customer TEXT NOT NULL,
        address TEXT NOT NULL,
        integrator TEXT NOT NULL,
        technician TEXT NOT NULL
    ) STRICT;",
}];

pub(crate) fn write(conn: &Connection, s: &Site) -> Result<()> {
    conn.execute(
        "INSERT INTO site (id, name, customer, address, integrator, technician) VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET name = ?1, customer = ?2, address = ?3, integrator = ?4, technician = ?5",
        (&s.name, &s.customer, &s.address, &s.integrator, &s.technician),
    )?;
    Ok(())
}

pub(crate) fn read(conn: &Connection) -> Result<Site> {
    Ok(conn
        .query_row(
            "SELECT name, customer, address, integrator, technician FROM site WHERE id = 1",
            [],
            |r| {
                Ok(Site {
                    name: r.get(0)?,
                    customer: r.get(1)?,
                    address: r.get(2)?,
                    integrator: r.get(3)?,
                    technician: r.get(4)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}
