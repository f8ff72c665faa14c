//! Building the application: database, migrations, router, listener.

use std::sync::Arc;

use axum::{middleware, Router};
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::delivery::worker::OutboxWorker;
use crate::delivery::Mailer;
use crate::search::SearchIndex;
use crate::state::AppState;
use crate::webhooks::worker::WebhookWorker;
use crate::web::request_log::{self, REQUEST_ID};
use crate::{api, auth, db, error, library, spotlights, tracking, users, web, webhooks};


pub struct Application {
    listener: TcpListener,
    router: Router,
    pub state: AppState,
    /// Tells background tasks (the outbox worker) to stop with the server.
    stop: tokio::sync::watch::Sender<bool>,
}

impl Application {
    /// Connects, migrates and binds; `config.bind` with port 0 picks a free port (tests).
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let listener = TcpListener::bind(config.bind).await.map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", config.bind))?;
        let mut config = config;
        if config.base_url.port() == Some(0) {
            // Bound to "any free port" (tests): links in emails need the real one.
            let port = listener.local_addr()?.port();
            let _ = config.base_url.set_port(Some(port));
        }
        let search = open_search_index(&config, &db).await?;
        search.spawn_sync(db.clone());
        crate::spotlights::templates::ensure_defaults(&db).await?;
        crate::spotlights::approval::apply_config(&db, config.sending.approval, config.sending.approvers.clone()).await?;
        let tracking = crate::tracking::load_or_create_key(&db).await?;
        crate::tracking::compile_agent_lists();
        let visitors = Arc::new(crate::tracking::visitor_key::VisitorKeys::open(&config.visitor_key_path(), crate::tracking::visitor_key::today())?);
        let config = Arc::new(config);
        let mailer = Mailer::default();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        OutboxWorker::new(db.clone(), config.clone(), tracking.clone(), mailer.waker())?.start(stopped.clone()).await?;
        crate::analytics::trend_mail::TrendMailer::new(db.clone(), config.clone(), mailer.clone()).start(stopped.clone());
        WebhookWorker::new(db.clone(), config.outbound())?.start(stopped.clone());
        crate::analytics::rollups::start(db.clone(), config.analytics_min_group, stopped.clone());
        crate::tracking::visitor_key::start_daily_rotation(visitors.clone(), stopped.clone());
        crate::acknowledgements::reminders::Reminders { db: db.clone(), config: config.clone(), key: tracking.clone(), mailer: mailer.clone() }.start(stopped.clone());
        let server_id = crate::delivery::journal::server_id(&config.data_dir)?;
        let recorder = crate::tracking::recorder::Recorder::start(db.clone(), config.clone(), &server_id, stopped).await?;
        let oidc = match config.oidc.clone() {
            Some(settings) => Some(Arc::new(crate::auth::oidc::Provider::new(settings, config.outbound_allow.clone(), config.public_base())?)),
            None => None,
        };
        let state = AppState::new(crate::state::Services { db, config, search, tracking, visitors, mailer, recorder, lookups: Default::default(), posting_limits: Default::default(), login_limits: Default::default(), link_limits: Default::default(), link_checker: Default::default(), oidc });
        Ok(Application { listener, router: router(state.clone()), state, stop })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|addr| addr.port()).unwrap_or(0)
    }

    pub async fn run_until(self, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let served = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<std::net::SocketAddr>()).with_graceful_shutdown(shutdown).await;
        let _ = self.stop.send(true);
        served?;
        Ok(())
    }
}

/// Opens the search index, rebuilding it from the database when it is new or was unusable.
pub async fn open_search_index(config: &Config, db: &sea_orm::DatabaseConnection) -> anyhow::Result<SearchIndex> {
    let (search, fresh) = SearchIndex::open(&config.index_dir())?;
    if fresh {
        let count = search.rebuild(db, |_, _| {}).await?;
        tracing::info!(items = count, "search index built from the database");
    }
    Ok(search)
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(web::router())
        .merge(auth::router())
        .merge(users::router())
        .merge(library::router(&state))
        .merge(spotlights::router())
        .merge(tracking::router())
        .merge(webhooks::router())
        .merge(crate::sharing::router())
        .merge(web::notifications_router())
        .merge(crate::comments::router())
        .merge(crate::analytics::router())
        .merge(crate::sign_in_links::router(&state))
        .merge(crate::scim::router())
        .merge(crate::acknowledgements::router())
        .nest("/api/v1", api::router())
        .route("/assets/{*file}", axum::routing::get(web::assets::serve))
        .fallback(|| async { error::AppError::NotFound })
        // The last layer added sees the request first: request id, trace,
        // compression, security headers, error rendering, the signed-in user, NUL characters refused, then the path noted for the layout.
        .layer(middleware::from_fn(web::layout::remember_path))
        .layer(middleware::from_fn(web::no_nul::refuse_nul))
        .layer(middleware::from_fn_with_state(state.clone(), auth::session::load_auth))
        .layer(middleware::from_fn(error::render_errors))
        .layer(middleware::from_fn(web::security_headers))
        .layer(web::compression::layer())
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_log::span_for)
                .on_request(request_log::on_request)
                .on_response(request_log::on_response)
                .on_failure(request_log::on_failure),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down");
}
