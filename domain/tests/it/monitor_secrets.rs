//! HTTP monitors stored before header values and bodies were secrets (in
//! clear in `monitors.config`) are read as they are and sealed by the
//! start-up pass, once, on SQLite and Postgres.

#![allow(clippy::unwrap_used)]

use domain::accounts::Role;
use domain::entities::monitors;
use domain::monitors::{HttpSpec, MonitorInput, MonitorService, Target};
use domain::testing;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

const TOKEN: &str = "Bearer legacy-0123456789-wxyz";

#[tokio::test]
async fn plaintext_rows_are_read_in_clear_and_sealed_once_at_start_up() {
    for test_db in testing::all_backends().await {
        let db = &test_db.db;
        let owner = testing::user(db, Role::User).await;
        let service = MonitorService::new(db.clone(), &domain::channels::EncryptionKey::generate());
        let plain = MonitorInput {
            http: Some(HttpSpec::get("https://example.org/").unwrap().into()),
            ..Default::default()
        };
        let untouched = service.create(&owner, plain.clone()).await.unwrap().id;
        let legacy = service.create(&owner, plain).await.unwrap().id;
        // The row as an older version wrote it: the values in clear, no secret.
        let mut spec = HttpSpec::get("https://example.org/").unwrap();
        spec.headers.insert("Authorization".into(), TOKEN.into());
        spec.body = Some("token=legacy-body-secret".into());
        let clear_config = serde_json::to_string(&spec).unwrap();
        monitors::Entity::update_many()
            .col_expr(monitors::Column::Config, Expr::value(clear_config))
            .filter(monitors::Column::Id.eq(legacy))
            .exec(db)
            .await
            .unwrap();
        let row = monitors::Entity::find_by_id(legacy).one(db).await.unwrap().unwrap();
        let Target::Http(stored) = Target::from_config(row.kind, &row.config).unwrap() else {
            panic!("an http monitor")
        };
        assert_eq!(service.http_spec(&row, &stored).unwrap(), spec, "read compatibly");
        let shown = service.get(&owner, legacy).await.unwrap();
        assert_eq!(shown.http.unwrap().headers["Authorization"], "…wxyz", "shown masked already");

        assert_eq!(service.seal_stored_http_secrets().await.unwrap(), 1, "{}", test_db.url);
        assert_eq!(service.seal_stored_http_secrets().await.unwrap(), 0, "each row once");
        let row = monitors::Entity::find_by_id(legacy).one(db).await.unwrap().unwrap();
        let dump = format!("{} {:?}", row.config, row.secret);
        assert!(!dump.contains("legacy-0123") && !dump.contains("legacy-body"), "{dump}");
        let Target::Http(stored) = Target::from_config(row.kind, &row.config).unwrap() else {
            panic!("an http monitor")
        };
        assert_eq!(stored.headers["Authorization"], "…wxyz");
        assert_eq!(service.http_spec(&row, &stored).unwrap(), spec, "the check still gets them");
        let plain_row = monitors::Entity::find_by_id(untouched).one(db).await.unwrap().unwrap();
        assert_eq!(plain_row.secret, None, "nothing to seal");
    }
}
