//! The `herald` command line: one binary, one subcommand per job.

use std::io::{IsTerminal, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::auth::{tokens, Role};
use crate::config::{Config, Overrides};
use crate::startup::{shutdown_signal, Application};
use crate::users::{import, service};
use crate::{db, error::AppError};

/// `println!` for command output, returning the write error instead of panicking.
///
/// `println!` panics when standard output is a pipe whose reader has gone
/// (`herald user list | head`). Rust ignores SIGPIPE, so the write fails with
/// `BrokenPipe`; commands pass it up with `?` and [`report`] ends quietly, as
/// ripgrep and other Rust command-line tools do. Restoring the default SIGPIPE
/// instead would need `unsafe` libc calls and would also kill `herald serve`
/// when a client hangs up.
macro_rules! say {
    ($($arg:tt)*) => {
        write_line(format_args!($($arg)*))?
    };
}

/// `eprintln!` that cannot panic: when standard error is a closed pipe too
/// (`2>&1 | head`), there is nowhere left to say anything, so it is dropped.
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

fn write_line(args: std::fmt::Arguments<'_>) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_fmt(args)?;
    out.write_all(b"\n")
}

/// Whether the command stopped because its reader closed standard output.
fn closed_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

#[derive(Parser, Debug)]
#[command(name = "herald", version, about = "Herald: HR spotlights with tracked reach and honest feedback")]
pub struct Cli {
    /// Where Herald keeps its SQLite database, search index, uploads and outbox.
    #[arg(long, global = true, env = "HERALD_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Settings file [default: herald.toml in the data directory, if present].
    #[arg(long, global = true, env = "HERALD_CONFIG")]
    pub config: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user:pass@host/db); without it, SQLite in the data directory.
    #[arg(long, global = true, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply migrations, then serve the web UI and /api/v1.
    #[command(after_help = "Every setting can also be written in herald.toml (in the data directory, or --config FILE): \
bind, base_url, database_url, max_upload_mb, smtp_url, mail_from, and these file-only ones: session_hours (browser \
session length, default 12), admin_email (the first administrator, default admin@herald.local), organisation (the \
name in emails, default Human Resources), mail_concurrency (SMTP connections, default 4), mail_rate_per_second \
(default 100), mail_retry_base_seconds (first retry delay, doubling, default 30), mail_max_attempts (default 8) and \
mail_lease_seconds (how long a server may hold claimed messages, default 120), smtp_ca_file (a PEM certificate \
authority to trust for the SMTP server, besides the system's). Flags and environment variables \
win over the file. See docs/herald.toml.example.")]
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Import data from files.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage API bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Email invitations: a link that signs the person in once (valid invitation_days, default 7),
    /// queued in the outbox and sent by `herald serve`. Prints how many were queued.
    Invite(InviteArgs),
    /// SCIM provisioning (the identity provider keeps the directory at /scim/v2).
    #[command(subcommand)]
    Scim(ScimCommand),
    /// Rebuild the search index from the database (stop `herald serve` first).
    Reindex,
    /// Copy the database (a consistent snapshot) and the data directory's files into a new
    /// directory, with a checksummed manifest. Safe while `herald serve` runs.
    Backup {
        /// Directory to create (it must not exist yet, or be empty).
        dest: PathBuf,
    },
    /// Restore a backup made by `herald backup` into an empty data directory and database.
    Restore {
        /// The backup directory (the one holding MANIFEST.json).
        source: PathBuf,
    },
    /// Score texts for sentiment: one text per line on standard input, one JSON object per line out
    /// ({"compound": -1..1, "label": "negative|neutral|positive"}); offline, the scorer comments get.
    Sentiment {
        /// Scoring threads [default: one per core].
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
        threads: Option<u16>,
    },
    /// Internal: the sandbox child that renders templates and reads uploads (see `sandbox`).
    #[command(hide = true)]
    Sandbox,
    /// Fill an empty library with realistic demo content, demo employees, lists and a draft spotlight.
    Demo {
        /// How many collateral items to generate.
        #[arg(long, default_value_t = 250)]
        collateral: usize,
        /// Seed of the generator: the same seed gives the same library.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many demo employees to add (spotlights need someone to send to).
        #[arg(long, default_value_t = 60)]
        people: usize,
        /// Also add analytics history: 10,000 employees, 50 sent announcements and this many
        /// tracking events spread over them, with comments and quick reactions.
        #[arg(long, default_value_t = 0)]
        events: usize,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "HERALD_BIND")]
    pub bind: Option<SocketAddr>,
    /// Public URL used in links and emails; https:// makes cookies Secure [default: http://BIND].
    #[arg(long, env = "HERALD_BASE_URL")]
    pub base_url: Option<String>,
    /// Largest attachment accepted, in MB [default: 25].
    #[arg(long, env = "HERALD_MAX_UPLOAD_MB")]
    pub max_upload_mb: Option<u64>,
    /// SMTP relay: smtp://[user:pass@]host[:port] (STARTTLS when offered; add ?tls=required to insist) or smtps://…
    /// [default: none; messages are written as .eml files in DATA_DIR/outbox].
    #[arg(long, env = "HERALD_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The From: address of Herald's emails, e.g. "HR <hr@example.com>" [default: Herald <herald@HOST>].
    #[arg(long, env = "HERALD_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Internal networks webhooks and social destinations may reach, comma-separated, e.g. 10.1.0.0/16,127.0.0.1
    /// [default: none; only public addresses].
    #[arg(long, env = "HERALD_OUTBOUND_ALLOW", value_delimiter = ',')]
    pub outbound_allow: Option<Vec<String>>,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["email", "all_pending"])))]
pub struct InviteArgs {
    /// Invite this person (repeat for several).
    #[arg(long)]
    pub email: Vec<String>,
    /// Invite everyone active who has no password and has never signed in.
    #[arg(long)]
    pub all_pending: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin is given.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// employee, hr_staff, hr_lead or admin.
        #[arg(long)]
        role: Role,
        #[arg(long, default_value = "")]
        department: String,
        #[arg(long, default_value = "")]
        location: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Employees from CSV: email,name,department,location,manager_email[,role]. Re-importing updates.
    Employees {
        file: PathBuf,
        /// Import the valid rows even when some are rejected.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Collateral from a CSV (title,summary,body,kind,category,tags,status,…) or a folder of files.
    Collateral {
        path: PathBuf,
        /// Owner of the new items [default: the first administrator].
        #[arg(long)]
        owner: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (only its hash is stored).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ScimCommand {
    /// Manage the bearer tokens identity providers use at /scim/v2.
    #[command(subcommand)]
    Token(ScimTokenCommand),
}

#[derive(Subcommand, Debug)]
pub enum ScimTokenCommand {
    /// Create a SCIM token and print it (only its hash is stored); it works at /scim/v2 only.
    Create {
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

pub fn run(cli: Cli) -> ExitCode {
    init_tracing();
    // Pure CPU work that is often piped: no async runtime (and its threads) to start.
    if let Command::Sentiment { threads } = cli.command {
        return report(sentiment(threads));
    }
    if let Command::Sandbox = cli.command {
        return report(crate::sandbox::child::serve(crate::sandbox::memory_bytes()));
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            say_err!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    report(runtime.block_on(dispatch(cli)))
}

fn report(result: anyhow::Result<ExitCode>) -> ExitCode {
    match result {
        Ok(code) => code,
        // The reader has all it wanted (`| head`): nothing is wrong.
        Err(err) if closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            say_err!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("herald=info,tower_http=info,warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Streams standard input to standard output in batches scored on every core, so it
/// works on files of any size and in pipelines.
fn sentiment(threads: Option<u16>) -> anyhow::Result<ExitCode> {
    let threads = match threads {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    crate::sentiment::score_lines(std::io::stdin().lock(), out, threads)
        .context("scoring standard input (it must be UTF-8 text, one text per line)")?;
    Ok(ExitCode::SUCCESS)
}

fn load_config(cli: &Cli, serve: Option<&ServeArgs>) -> anyhow::Result<Config> {
    let overrides = Overrides {
        bind: serve.and_then(|s| s.bind),
        base_url: serve.and_then(|s| s.base_url.clone()),
        max_upload_mb: serve.and_then(|s| s.max_upload_mb),
        smtp_url: serve.and_then(|s| s.smtp_url.clone()),
        mail_from: serve.and_then(|s| s.mail_from.clone()),
        outbound_allow: serve.and_then(|s| s.outbound_allow.clone()),
        database_url: cli.database_url.clone(),
        ..Default::default()
    };
    Config::load(&cli.data_dir, cli.config.as_deref(), overrides.from_environment()?)
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    match &cli.command {
        Command::Serve(args) => serve(load_config(&cli, Some(args))?).await,
        Command::Migrate => {
            let config = load_config(&cli, None)?;
            db::migrate(&db::connect(&config).await?).await?;
            say!("Migrations applied.");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(command) => user(load_config(&cli, None)?, command).await,
        Command::Import(ImportCommand::Employees { file, skip_invalid }) => {
            import_employees(load_config(&cli, None)?, file, *skip_invalid).await
        }
        Command::Import(ImportCommand::Collateral { path, owner }) => {
            import_collateral(load_config(&cli, None)?, path, owner.as_deref()).await
        }
        Command::Invite(args) => invite(load_config(&cli, None)?, args).await,
        Command::Reindex => reindex(load_config(&cli, None)?).await,
        Command::Backup { dest } => backup(load_config(&cli, None)?, dest).await,
        Command::Restore { source } => restore(load_config(&cli, None)?, source).await,
        Command::Sentiment { threads } => sentiment(*threads),
        Command::Sandbox => crate::sandbox::child::serve(crate::sandbox::memory_bytes()),
        Command::Demo { collateral, seed, people, events } => demo(load_config(&cli, None)?, *collateral, *seed, *people, *events).await,
        Command::Scim(ScimCommand::Token(ScimTokenCommand::Create { name })) => {
            let db = connect_migrated(&load_config(&cli, None)?).await?;
            say!("{}", crate::scim::tokens::create(&db, name, None).await.map_err(user_error)?.1);
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Create { email, name }) => {
            let db = connect_migrated(&load_config(&cli, None)?).await?;
            let user = service::find_by_email(&db, email).await?.with_context(|| format!("no user with email {email}"))?;
            say!("{}", tokens::create(&db, user.id, name).await.map_err(user_error)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn invite(config: Config, args: &InviteArgs) -> anyhow::Result<ExitCode> {
    use crate::sign_in_links::invitations::{self, Invitees};
    let db = connect_migrated(&config).await?;
    let who = if args.all_pending { Invitees::AllPending } else { Invitees::Emails(args.email.clone()) };
    let batch = invitations::invite(&db, &config, None, who).await.map_err(user_error)?;
    let plural = |n: i32| if n == 1 { "" } else { "s" };
    say!("Queued {} invitation{}.", batch.invited, plural(batch.invited));
    if batch.already_invited > 0 {
        say!("{} already had an invitation that still works and {} not invited again.", batch.already_invited, if batch.already_invited == 1 { "was" } else { "were" });
    }
    if batch.not_invitable > 0 {
        say!("{} unknown or inactive: not invited.", batch.not_invitable);
    }
    if batch.invited > 0 {
        say!("A running `herald serve` sends them within seconds; follow them with GET /api/v1/invitations/{} or on /admin/invitations/{}.", batch.id, batch.id);
    }
    Ok(ExitCode::SUCCESS)
}

async fn connect_migrated(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = db::connect(config).await?;
    db::migrate(&db).await?;
    Ok(db)
}

/// Errors that are the user's to fix print as their message alone.
fn user_error(err: AppError) -> anyhow::Error {
    anyhow::anyhow!("{err}")
}

async fn serve(config: Config) -> anyhow::Result<ExitCode> {
    let app = Application::build(config).await?;
    let config = app.state.config.clone();
    if let Some(password) = service::ensure_first_admin(&app.state.db, &config.admin_email).await.map_err(user_error)? {
        let login = config.base_url.join("login").context("login URL")?;
        say!("Herald created the first administrator account. Sign in at {login}");
        say!("  email:    {}", config.admin_email);
        say!("  password: {password}");
        say!("This password is shown only once; Herald asks you to choose a new one at first sign-in.");
    }
    tracing::info!(address = %config.bind, port = app.port(), base_url = %config.base_url, "Herald is listening");
    app.run_until(shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn user(config: Config, command: &UserCommand) -> anyhow::Result<ExitCode> {
    let db = connect_migrated(&config).await?;
    match command {
        UserCommand::Add { email, name, role, department, location, password_stdin } => {
            let new = service::NewUser::parse(email, name, department, location, *role).map_err(|err| anyhow::anyhow!(err))?;
            let password = if *password_stdin {
                let mut input = String::new();
                std::io::stdin().read_to_string(&mut input).context("reading the password from standard input")?;
                Some(input.trim_end_matches(['\r', '\n']).to_owned())
            } else {
                None
            };
            let (user, generated) = service::create(&db, new, password.as_deref()).await.map_err(user_error)?;
            say!("Created {} ({}) as {}.", user.name, user.email, user.role);
            if let Some(generated) = generated {
                say!("One-time password: {generated}");
            }
        }
        UserCommand::List => {
            let mut page = 1;
            loop {
                let query = service::DirectoryQuery { page: Some(page), ..Default::default() };
                let found = service::search(&db, &query).await.map_err(user_error)?;
                for user in &found.users {
                    let status = if user.active { "" } else { " (inactive)" };
                    say!("{}\t{}\t{}\t{}\t{}{}", user.email, user.name, user.role, user.department, user.location, status);
                }
                if page >= found.pages {
                    break;
                }
                page += 1;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_employees(config: Config, file: &PathBuf, skip_invalid: bool) -> anyhow::Result<ExitCode> {
    let db = connect_migrated(&config).await?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let bar = progress_bar("employees");
    let parsed = import::parse(bytes.as_slice()).map_err(|err| anyhow::anyhow!("{} was not imported: {err}", file.display()))?;
    for rejected in &parsed.rejected {
        say_err!("line {}: {}", rejected.line, rejected.reason);
    }
    if !parsed.rejected.is_empty() && !skip_invalid {
        say_err!(
            "{} row(s) rejected; nothing was imported. Fix them, or pass --skip-invalid to import the {} valid row(s).",
            parsed.rejected.len(),
            parsed.rows.len()
        );
        return Ok(ExitCode::from(2));
    }
    bar.set_length(parsed.rows.len() as u64);
    let summary = import::apply(&db, &parsed.rows, |done| bar.set_position(done)).await.map_err(user_error)?;
    bar.finish_and_clear();
    say!(
        "Imported {}: {} created, {} updated, {} unchanged, {} rejected.",
        file.display(),
        summary.created,
        summary.updated,
        summary.unchanged,
        parsed.rejected.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on a terminal; nothing when output goes to a file or pipe.
fn progress_bar(unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    if std::io::stderr().is_terminal() {
        let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{eta}} left)");
        bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    } else {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

fn advance(bar: &ProgressBar) -> impl Fn(u64, u64) + '_ {
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}

async fn reindex(config: Config) -> anyhow::Result<ExitCode> {
    let db = connect_migrated(&config).await?;
    let (index, _) = crate::search::SearchIndex::open(&config.index_dir())?;
    let bar = progress_bar("items");
    let count = index.rebuild(&db, advance(&bar)).await?;
    bar.finish_and_clear();
    say!("Indexed {count} items into {}.", config.index_dir().display());
    Ok(ExitCode::SUCCESS)
}

async fn backup(config: Config, dest: &std::path::Path) -> anyhow::Result<ExitCode> {
    let summary = crate::backup::backup(&config, dest).await?;
    say!(
        "Backed up the {} database and {} files ({}) into {}.",
        summary.database,
        summary.files,
        megabytes(summary.bytes),
        dest.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn restore(config: Config, source: &std::path::Path) -> anyhow::Result<ExitCode> {
    let summary = crate::backup::restore(&config, source).await?;
    say!(
        "Restored the {} database and {} files ({}) into {}. Start `herald serve`: it rebuilds the search index and loads any clicks the backup's log still holds.",
        summary.database,
        summary.files,
        megabytes(summary.bytes),
        config.data_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

async fn demo(config: Config, collateral: usize, seed: u64, people: usize, events: usize) -> anyhow::Result<ExitCode> {
    let db = connect_migrated(&config).await?;
    let bar = progress_bar("items");
    let summary = crate::library::demo::fill(&db, collateral, seed, advance(&bar)).await?;
    bar.finish_and_clear();
    say!("Added {} library items.", summary.collateral);
    crate::spotlights::templates::ensure_defaults(&db).await?;
    let spotlights = crate::spotlights::demo::fill(&db, summary.owner, people).await?;
    say!(
        "Added {} demo employees, {} distribution lists and a draft spotlight (/spotlights/{}).",
        spotlights.people,
        spotlights.lists,
        spotlights.announcement.unwrap_or_default()
    );
    if events > 0 {
        let bar = progress_bar("events");
        let history = crate::analytics::demo::fill(&db, summary.owner, events, seed, |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        })
        .await?;
        bar.finish_and_clear();
        say!(
            "Added analytics history: {} employees, {} sent announcements, {} tracking events, {} comments.",
            history.employees, history.announcements, history.events, history.comments
        );
    }
    index_now_or_later(&config, &db).await
}

/// Indexes right away when no server holds the index; otherwise the running
/// server picks the changes up from the change log by itself.
async fn index_now_or_later(config: &Config, db: &sea_orm::DatabaseConnection) -> anyhow::Result<ExitCode> {
    match crate::search::SearchIndex::open(&config.index_dir()) {
        Ok((index, _)) => {
            let bar = progress_bar("items indexed");
            index.rebuild(db, advance(&bar)).await?;
            bar.finish_and_clear();
            say!("Search index updated.");
        }
        Err(err) => say!("The search index is in use ({err:#}); the running server will index the new items."),
    }
    Ok(ExitCode::SUCCESS)
}

async fn import_collateral(config: Config, path: &std::path::Path, owner: Option<&str>) -> anyhow::Result<ExitCode> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let db = connect_migrated(&config).await?;
    let owner = match owner {
        Some(email) => service::find_by_email(&db, email).await?.with_context(|| format!("no user with email {email}"))?,
        None => crate::entities::user::Entity::find()
            .filter(crate::entities::user::Column::Role.eq(Role::Admin.as_str()))
            .order_by_asc(crate::entities::user::Column::Id)
            .one(&db)
            .await?
            .context("no administrator exists yet; start `herald serve` once or pass --owner EMAIL")?,
    };
    let source = crate::library::import::Source::open(path)?;
    let bar = progress_bar("items");
    let report = crate::library::import::run(&db, &config, owner.id, &source, advance(&bar)).await?;
    bar.finish_and_clear();
    for error in &report.errors {
        say_err!("{}: {}", error.source, error.reason);
    }
    say!("Imported {} items; {} failed.", report.created, report.errors.len());
    index_now_or_later(&config, &db).await?;
    Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
}
