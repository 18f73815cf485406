//! The `vlans` table: IT's plan as imported. An import replaces the whole plan in one transaction.

use rusqlite::Connection;

use handover_model::{Plan, Vlan};

use crate::error::Result;
use crate::migrate::Step;

pub(crate) const MIGRATIONS: &[Step] = &[Step {
    version: 1,
    sql: "CREATE TABLE vlans (
        position INTEGER NOT NULL,
        vlan_id INTEGER PRIMARY KEY CHECK (vlan_id BETWEEN 1 AND 4094),
        name TEXT NOT NULL,
        subnet TEXT NOT NULL UNIQUE,
        detail TEXT NOT NULL
    ) STRICT;",
}];

pub(crate) fn replace(conn: &Connection, plan: &Plan) -> Result<()> {
    conn.execute("DELETE FROM vlans", [])?;
    let mut stmt = conn.prepare(
        "INSERT INTO vlans (position, vlan_id, name, subnet, detail) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, v) in plan.vlans.iter().enumerate() {
        stmt.execute((
            i as i64,
            v.id,
            &v.name,
            v.subnet.to_string(),
            serde_json::to_string(v)?,
        ))?;
    }
    Ok(())
}

pub(crate) fn read(conn: &Connection) -> Result<Plan> {
    let mut stmt = conn.prepare("SELECT detail FROM vlans ORDER BY position")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut plan = Plan::default();
    for detail in rows {
        plan.vlans.push(serde_json::from_str::<Vlan>(&detail?)?);
    }
    Ok(plan)
}
