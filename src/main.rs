//! The `eventmap` command: extract events from text, serve them, make synthetic data.

use std::io::{IsTerminal, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use jiff::civil::Date;

use eventmap::api::{AppState, Limits, check_base_url, router, serve};
use eventmap::extract::{self, ArticleText, Lang};
use eventmap::fetch::{DEFAULT_MAX_BYTES, FetchOptions, Fetcher};
use eventmap::gazetteer::Gazetteer;
use eventmap::index::IndexBuilder;
use eventmap::model::Event;
use eventmap::store::{Location, NewArticle, Store};
use eventmap::synth::Synth;
use eventmap::watch::{self, PollOutcome, StoreIngest, Watcher};

#[derive(Parser)]
#[command(
    name = "eventmap",
    version,
    about = "News reports → dated, geocoded events → map server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract events from a text and print them as a GeoJSON FeatureCollection.
    Extract {
        /// The text file, or `-` for standard input.
        file: PathBuf,
        /// Publication date (YYYY-MM-DD): years and weekdays are read against it.
        #[arg(long)]
        published: Option<Date>,
        /// Language of the text: fr, en or auto.
        #[arg(long, default_value = "auto")]
        lang: String,
    },
    /// Serve the events as OGC API - Features layers and a map page.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Serve this GeoJSON FeatureCollection of events, read-only, instead of the store.
        #[arg(long)]
        events: Option<PathBuf>,
        #[command(flatten)]
        data: DataDir,
        /// File holding the bearer token that allows writes (else EVENTMAP_TOKEN; none: read-only).
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// The URL clients reach the server at (behind a proxy: https://maps.example.org/eventmap);
        /// response links start with it. Default: the listening address.
        #[arg(long)]
        public_url: Option<String>,
        /// Seconds a client has to send a whole request head (also how long an idle
        /// keep-alive connection stays open).
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
        header_timeout: u64,
        /// Connections served at once; more wait until one closes.
        #[arg(long, default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..=65_536))]
        max_connections: u32,
        /// How often each watched feed is polled (30s, 5m, 1h).
        #[arg(long, default_value = "5m", value_parser = watch::parse_interval)]
        feed_every: std::time::Duration,
        #[command(flatten)]
        fetch: FetchArgs,
        /// Fetch nothing: no page posted by URL (texts only), no feed polled.
        #[arg(long)]
        no_fetch: bool,
    },
    /// Add articles to the store and print the events found in each.
    Ingest {
        /// Text files (UTF-8), `-` for standard input, or the http(s) URLs of pages to fetch
        /// (their title, date and language come from the page).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Publication date (YYYY-MM-DD) of the articles.
        #[arg(long)]
        published: Option<Date>,
        #[arg(long)]
        source_url: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// Language of the texts: fr, en or auto.
        #[arg(long, default_value = "auto")]
        lang: String,
        #[command(flatten)]
        data: DataDir,
        #[command(flatten)]
        fetch: FetchArgs,
    },
    /// Watch RSS, Atom or JSON feeds: fetch each new item's page once and add it to the store.
    Watch {
        /// Feed URLs, added to the store's watched feeds; none: the feeds it watches already.
        feeds: Vec<String>,
        /// How often each feed is polled (30s, 5m, 1h); failing feeds wait longer.
        #[arg(long, default_value = "5m", value_parser = watch::parse_interval)]
        every: std::time::Duration,
        /// Poll each feed once, print what it gave, and exit (non-zero if a feed failed).
        #[arg(long)]
        once: bool,
        #[command(flatten)]
        data: DataDir,
        #[command(flatten)]
        fetch: FetchArgs,
    },
    /// Re-extract every stored article with this version's extractor, keeping corrections.
    Reindex {
        #[command(flatten)]
        data: DataDir,
    },
    /// List the places a text names: where each name was put, how sure, and why.
    Places {
        /// The text file, or `-` for standard input.
        file: PathBuf,
    },
    /// Measure the extractor against human-coded events.
    Eval {
        #[command(subcommand)]
        corpus: EvalCorpus,
    },
    /// Write synthetic events (for load tests) as GeoJSON.
    Synth {
        /// How many events.
        #[arg(long = "events")]
        count: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum EvalCorpus {
    /// ACLED-style CSV: each row's notes extracted as a text (in English, as published on the
    /// row's `published` date, else its event date) and scored against its coding.
    Acled {
        rows: PathBuf,
        /// Read only the first N rows.
        #[arg(long)]
        limit: Option<usize>,
        /// Write the worst rows, with what was extracted from each, to this file.
        #[arg(long)]
        misses: Option<PathBuf>,
        /// Write the measures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// A folder of texts with a truth.json of the events each reports (see the README).
    Texts {
        dir: PathBuf,
        /// Write the scores as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct DataDir {
    /// Directory of the article store (created, with the seed article, if missing); the same
    /// as --store sqlite:DIR. Default: EVENTMAP_STORE, else eventmap-data.
    #[arg(long = "data", conflicts_with = "store")]
    dir: Option<PathBuf>,
    /// The store: sqlite:DIR, or postgres://user@host:port/db (PostGIS; the schema is created
    /// or migrated). Default: EVENTMAP_STORE, else sqlite:eventmap-data.
    #[arg(long)]
    store: Option<String>,
}

/// How pages and feeds are fetched.
#[derive(clap::Args)]
struct FetchArgs {
    /// Fetch from private, loopback and link-local addresses too (a test site, an intranet);
    /// by default they are refused, every address a host resolves to checked.
    #[arg(long)]
    allow_private_urls: bool,
    /// Largest page or feed read, in bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_page_bytes: u64,
}

impl FetchArgs {
    fn options(&self) -> FetchOptions {
        FetchOptions {
            allow_private: self.allow_private_urls,
            max_bytes: self.max_page_bytes,
            ..FetchOptions::default()
        }
    }

    fn fetcher(&self) -> Result<Fetcher> {
        Ok(Fetcher::new(self.options())?)
    }
}

impl DataDir {
    /// The store asked for: --store, else --data, else EVENTMAP_STORE, else the default.
    fn location(&self) -> Result<Location> {
        if let Some(dir) = &self.dir {
            return Ok(Location::Sqlite(dir.clone()));
        }
        let (given, what) = match (&self.store, std::env::var("EVENTMAP_STORE")) {
            (Some(s), _) => (s.clone(), "--store"),
            (None, Ok(s)) if !s.trim().is_empty() => (s.trim().to_string(), "EVENTMAP_STORE"),
            _ => return Ok(Location::Sqlite(PathBuf::from("eventmap-data"))),
        };
        given.parse().with_context(|| what)
    }

    fn open(&self) -> Result<Store> {
        let location = self.location()?;
        Store::open_at(&location, Gazetteer::embedded()).with_context(|| match &location {
            Location::Sqlite(dir) => format!("cannot open the store in {}", dir.display()),
            Location::Postgres(_) => "cannot open the PostgreSQL store".to_string(),
        })
    }
}

/// How long a stopping server waits for the requests and work under way.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract {
            file,
            published,
            lang,
        } => run_extract(&file, published, &lang),
        Command::Serve {
            addr,
            events,
            data,
            token_file,
            public_url,
            header_timeout,
            max_connections,
            feed_every,
            fetch,
            no_fetch,
        } => run_serve(
            addr,
            events.as_deref(),
            &data,
            token_file.as_deref(),
            public_url.as_deref(),
            Limits {
                header_timeout: std::time::Duration::from_secs(header_timeout),
                max_connections,
                shutdown_grace: SHUTDOWN_GRACE,
            },
            ((!no_fetch).then(|| fetch.options()), feed_every),
        ),
        Command::Ingest {
            files,
            published,
            source_url,
            title,
            lang,
            data,
            fetch,
        } => run_ingest(&files, published, source_url, title, &lang, &data, &fetch),
        Command::Watch {
            feeds,
            every,
            once,
            data,
            fetch,
        } => run_watch(&feeds, every, once, &data, &fetch),
        Command::Reindex { data } => run_reindex(&data),
        Command::Places { file } => run_places(&file),
        Command::Eval { corpus } => run_eval(corpus),
        Command::Synth { count, seed, out } => run_synth(count, seed, out.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("eventmap: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn parse_lang(lang: &str) -> Result<Option<Lang>> {
    match lang {
        "auto" => Ok(None),
        other => other
            .parse::<Lang>()
            .map(Some)
            .map_err(|_| anyhow::anyhow!("--lang must be fr, en or auto, not {other:?}")),
    }
}

/// Reads a text file (or stdin), refusing what is not UTF-8 text.
fn read_text(file: &Path) -> Result<(String, String)> {
    let (bytes, source) = if file == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .context("cannot read standard input")?;
        (buf, "stdin".to_string())
    } else {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        (bytes, name)
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{source} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok((text, source))
}

fn run_extract(file: &Path, published: Option<Date>, lang: &str) -> Result<()> {
    let lang = parse_lang(lang)?;
    let (text, source) = read_text(file)?;
    if text.trim().is_empty() {
        bail!("{source} is empty: there is no text to extract events from");
    }
    let article = ArticleText {
        text: &text,
        source: &source,
        published,
        lang,
    };
    let extraction = extract::extract(Gazetteer::embedded(), &article)?;
    for warning in &extraction.warnings {
        eprintln!("eventmap: warning: {warning}");
    }
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &Event::feature_collection(&extraction.events))?;
    writeln!(out)?;
    Ok(())
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// The served state: a read-only events file, or the store (writable with a token).
fn open_state(
    events: Option<&Path>,
    data: &DataDir,
    token_file: Option<&Path>,
) -> Result<(AppState, Option<Arc<Store>>)> {
    if let Some(path) = events {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        let mut builder = IndexBuilder::default();
        let mut loaded = 0u64;
        Event::read_feature_collection(file, |e| {
            builder.push(e);
            loaded += 1;
            if loaded.is_multiple_of(200_000) {
                tracing::info!(events = loaded, "loading events");
            }
        })
        .map_err(|e| {
            anyhow::anyhow!(
                "{} is not a GeoJSON FeatureCollection of events: {e}",
                path.display()
            )
        })?;
        tracing::info!(file = %path.display(), "serving an events file, read-only");
        return Ok((AppState::from_index(builder.finish()), None));
    }
    let token = match token_file {
        Some(f) => Some(
            std::fs::read_to_string(f)
                .with_context(|| format!("cannot read the token file {}", f.display()))?
                .trim()
                .to_string(),
        ),
        None => std::env::var("EVENTMAP_TOKEN")
            .ok()
            .map(|t| t.trim().to_string()),
    }
    .filter(|t| !t.is_empty());
    if token.is_none() {
        tracing::warn!("no EVENTMAP_TOKEN or --token-file: the server is read-only");
    }
    let store = Arc::new(data.open()?);
    tracing::info!(store = %store.describe(), "article store opened");
    let state = AppState::with_store(Arc::clone(&store), token)?;
    Ok((state, Some(store)))
}

/// The lock file of the servers of a data directory: another process ingesting into the store
/// is welcome (the server follows its writes), a second server is not (two would answer for
/// one store, and the first's shutdown could race the second's writes).
fn lock_for_serving(dir: &Path) -> Result<std::fs::File> {
    use std::io::{Read, Seek, Write};
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join("serve.lock");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let by = if holder.is_empty() {
                String::new()
            } else {
                format!(" (pid {holder})")
            };
            anyhow::bail!(
                "another eventmap server is serving {}{by}: stop it, or serve another --data directory",
                dir.display()
            );
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", path.display()));
        }
    }
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    Ok(file)
}

fn run_serve(
    addr: SocketAddr,
    events: Option<&Path>,
    data: &DataDir,
    token_file: Option<&Path>,
    public_url: Option<&str>,
    limits: Limits,
    (fetch, feed_every): (Option<FetchOptions>, std::time::Duration),
) -> Result<()> {
    // Checked before anything is opened: a typo is a one-line error, not a server with bad links.
    if let Some(url) = public_url {
        check_base_url(url).map_err(|e| anyhow::anyhow!("--public-url {e}"))?;
    }
    // Held until the server returns; an events file is read-only and needs none.
    let _serving = match events {
        // Servers of one PostgreSQL database are welcome: each follows the others' writes.
        None => match data.location()? {
            Location::Sqlite(dir) => Some(lock_for_serving(&dir)?),
            Location::Postgres(_) => None,
        },
        Some(_) => None,
    };
    init_logging();
    let started = Instant::now();
    let gazetteer_start = Instant::now();
    // The name matcher that ingesting needs is ready with it: it is built at compile time.
    Gazetteer::embedded();
    tracing::info!(
        ms = gazetteer_start.elapsed().as_millis() as u64,
        "gazetteer loaded"
    );
    let (state, store) = open_state(events, data, token_file)?;
    let index = state.snapshot();
    tracing::info!(
        events = index.len(),
        layers = index.types().len(),
        read_only = state.read_only(),
        "events loaded"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let served = runtime.block_on(async move {
        let shutdown = shutdown_signal()?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        let base = public_url.map_or_else(|| format!("http://{local}"), str::to_string);
        if public_url.is_none() && local.ip().is_unspecified() {
            tracing::warn!(
                "listening on every interface without --public-url: links will name {local}"
            );
        }
        let state = state
            .with_base_url(&base)
            .map_err(|e| anyhow::anyhow!("--public-url {e}"))?
            .with_fetch_options(fetch)?;
        if let Some(store) = store {
            tokio::spawn(follow_other_writers(state.clone(), Arc::clone(&store)));
            // Pages read from feeds take the API's write path, so the index is swapped in.
            if let Some(fetcher) = state.fetcher().cloned() {
                let watcher = Watcher::new(store, fetcher, state.clone(), feed_every);
                tokio::spawn(async move { watcher.run().await });
            }
        }
        tracing::info!(
            startup_ms = started.elapsed().as_millis() as u64,
            "eventmap listening on http://{local}"
        );
        serve(listener, router(state), limits, shutdown)
            .await
            .context("server error")?;
        Ok::<(), anyhow::Error>(())
    });
    // Work still under way (an article being extracted for a client that is gone) gets the
    // same grace as the connections, then the process ends: a store write is one transaction,
    // done or not.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    tracing::info!("stopped");
    served
}

/// Reloads the index when another process (`eventmap ingest`, `reindex`, another server on the
/// same PostgreSQL database) commits to the store: at once when the database notifies it, and
/// at the latest on the next periodic check (a missed notification heals there).
async fn follow_other_writers(state: AppState, store: Arc<Store>) {
    let notified = Arc::new(tokio::sync::Notify::new());
    let wake = Arc::clone(&notified);
    store.listen(move || wake.notify_one());
    let version = |store: &Arc<Store>| {
        let store = Arc::clone(store);
        tokio::task::spawn_blocking(move || store.data_version())
    };
    // A write by another process between the store's opening and now is followed too: the
    // index was read after the opening.
    let mut seen = match store.data_version_at_open() {
        Some(v) => Some(v),
        None => version(&store).await.ok().and_then(Result::ok),
    };
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = notified.notified() => {}
        }
        if let Ok(Ok(v)) = version(&store).await {
            if seen.is_some_and(|s| s != v) {
                follow_change(&state, &store).await;
            }
            seen = Some(v);
        }
    }
}

/// Serves another process's writes: only the groups they touched when the store can tell
/// (PostgreSQL's change log), else the whole store read again.
async fn follow_change(state: &AppState, store: &Arc<Store>) {
    let reader = Arc::clone(store);
    let changes = tokio::task::spawn_blocking(move || reader.changes_since_followed()).await;
    if let Ok(Ok(Some(changes))) = changes {
        match state.follow(changes).await {
            Ok(()) => return tracing::info!("store changed by another process: events updated"),
            Err(e) => tracing::error!(error = %e, "cannot follow the change; reloading"),
        }
    }
    let state = state.clone();
    match tokio::task::spawn_blocking(move || state.reload()).await {
        Ok(Ok(())) => tracing::info!("store changed by another process: events reloaded"),
        Ok(Err(e)) => tracing::error!(error = %e, "cannot reload the store"),
        Err(e) => tracing::error!(error = %e, "reload task failed"),
    }
}

fn run_ingest(
    files: &[PathBuf],
    published: Option<Date>,
    source_url: Option<String>,
    title: Option<String>,
    lang: &str,
    data: &DataDir,
    fetch: &FetchArgs,
) -> Result<()> {
    let lang = parse_lang(lang)?;
    let store = Arc::new(data.open()?);
    let is_url = |f: &PathBuf| {
        let f = f.to_string_lossy();
        f.starts_with("http://") || f.starts_with("https://")
    };
    // A runtime and a fetcher only when there are pages to fetch.
    let web = match files.iter().any(is_url) {
        true => Some((
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?,
            fetch.fetcher()?,
        )),
        false => None,
    };
    let bar = progress_bar(files.len() as u64);
    // Printed above the bar (a hidden bar's own println would drop the line).
    let report = |line: String| bar.suspend(|| println!("{line}"));
    let mut failed = 0;
    for file in files {
        let outcome = match &web {
            Some((runtime, fetcher)) if is_url(file) => {
                let url = file.to_string_lossy();
                let ingest = StoreIngest(Arc::clone(&store));
                runtime
                    .block_on(watch::ingest_url(&store, fetcher, &ingest, &url))
                    .map_err(|(why, _)| anyhow::anyhow!(why))
            }
            _ => read_text(file).and_then(|(text, name)| {
                let article = NewArticle {
                    text,
                    title: title.clone().or_else(|| Some(name.clone())),
                    source_url: source_url.clone().or(Some(name)),
                    published,
                    lang,
                };
                Ok(store.add(&article, Gazetteer::embedded())?)
            }),
        };
        match outcome {
            Ok(ingested) => report(format!(
                "{}: article {} {}, {} events{}",
                file.display(),
                ingested.article.id,
                if ingested.created {
                    "added"
                } else {
                    "already stored"
                },
                ingested.events.len(),
                ingested
                    .warnings
                    .iter()
                    .map(|w| format!(" (warning: {w})"))
                    .collect::<String>()
            )),
            Err(e) => {
                failed += 1;
                report(format!("{}: not added: {e:#}", file.display()));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    if failed > 0 {
        bail!("{failed} of {} files were not added", files.len());
    }
    Ok(())
}

/// `watch`: adds the feeds given, then polls them (or every stored feed) once, or for ever.
fn run_watch(
    feeds: &[String],
    every: std::time::Duration,
    once: bool,
    data: &DataDir,
    fetch: &FetchArgs,
) -> Result<()> {
    let store = Arc::new(data.open()?);
    let watcher = Watcher::new(
        Arc::clone(&store),
        fetch.fetcher()?,
        StoreIngest(Arc::clone(&store)),
        every,
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    // Read before the runtime runs: a store call blocks (PostgreSQL's client on a runtime of
    // its own), which an async thread must not.
    let already_watched = match feeds.is_empty() {
        true => store.feeds()?,
        false => Vec::new(),
    };
    runtime.block_on(async {
        let mut watched = already_watched;
        for url in feeds {
            watched.push(watcher.add(url).await.map_err(|e| anyhow::anyhow!(e))?);
        }
        if watched.is_empty() {
            bail!("no feed to watch: give a feed URL");
        }
        if !once {
            init_logging();
            let shutdown = shutdown_signal()?;
            tokio::select! {
                _ = watcher.run() => {},
                _ = shutdown => {},
            }
            return Ok(());
        }
        let mut failed = 0;
        for feed in &watched {
            let outcome = watcher.poll(feed).await;
            println!("{}: {outcome}", feed.url);
            match &outcome {
                PollOutcome::Read {
                    added,
                    failed: items,
                    ..
                } => {
                    for (url, id, events) in added {
                        println!("  {url}: article {id} added, {events} events");
                    }
                    for (url, why) in items {
                        println!("  {url}: not added: {why}");
                    }
                }
                PollOutcome::Failed(_) => failed += 1,
                PollOutcome::NotModified => {}
            }
        }
        if failed > 0 {
            bail!("{failed} of {} feeds failed", watched.len());
        }
        Ok(())
    })
}

fn run_reindex(data: &DataDir) -> Result<()> {
    let store = data.open()?;
    let bar = progress_bar(0);
    let (articles, events, orphans) = store.reindex(Gazetteer::embedded(), |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    eprintln!("eventmap: reindexed {articles} articles into {events} events");
    if orphans > 0 {
        eprintln!(
            "eventmap: warning: {orphans} corrections apply to events the extractor no longer finds; they are kept"
        );
    }
    Ok(())
}

fn run_places(file: &Path) -> Result<()> {
    let (text, _) = read_text(file)?;
    let gazetteer = Gazetteer::embedded();
    let dictionaries = eventmap::extract::Lang::detect(&text).dictionaries();
    let geography = gazetteer.geography(&text, gazetteer.mentions(&text, None, dictionaries));
    println!("countries: {}", geography.countries.join(", "));
    let mut out = std::io::stdout().lock();
    for m in &geography.mentions {
        writeln!(
            out,
            "{}\t{}\t{} ({}, {:?})\t{:.4},{:.4}\t{}\t{:.2}",
            m.start,
            m.as_written,
            m.place.name,
            m.place.country_code,
            m.place.kind,
            m.place.lat,
            m.place.lon,
            m.reason.as_str(),
            m.confidence
        )?;
    }
    Ok(())
}

fn run_eval(corpus: EvalCorpus) -> Result<()> {
    match corpus {
        EvalCorpus::Acled {
            rows,
            limit,
            misses,
            json,
        } => run_eval_acled(&rows, limit, misses.as_deref(), json.as_deref()),
        EvalCorpus::Texts { dir, json } => run_eval_texts(&dir, json.as_deref()),
    }
}

fn run_eval_acled(
    rows: &Path,
    limit: Option<usize>,
    misses: Option<&Path>,
    json: Option<&Path>,
) -> Result<()> {
    use eventmap::eval;
    let gold = eval::acled::read(rows, limit)?;
    let started = Instant::now();
    let bar = progress_bar(gold.len() as u64);
    let scored = eval::run(Gazetteer::embedded(), gold, Some(Lang::En), &|| bar.inc(1));
    bar.finish_and_clear();
    let report = eval::Report::of(&scored);
    eprintln!(
        "eventmap: {} rows scored in {:.1} s",
        scored.len(),
        started.elapsed().as_secs_f64()
    );
    print!("{}", report.table());
    if let Some(path) = misses {
        std::fs::write(path, eval::misses(&scored, 2000))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = json {
        let body = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn run_eval_texts(dir: &Path, json: Option<&Path>) -> Result<()> {
    use eventmap::eval::texts;
    let corpus = texts::read(dir)?;
    let scores = texts::score_all(Gazetteer::embedded(), &corpus);
    print!("{}", texts::report(&scores));
    if let Some(path) = json {
        let body = serde_json::to_string_pretty(&serde_json::json!({
            "overall": texts::CorpusScore::of(&scores),
            "texts": scores,
        }))?;
        std::fs::write(path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// A progress bar on a terminal, nothing otherwise (logs and pipes stay clean).
fn progress_bar(len: u64) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}

/// Resolves on Ctrl-C or SIGTERM, so in-flight requests finish before exit. The handlers are
/// installed when this is called (before the port opens), not when first polled, so a signal
/// sent as soon as the server answers is never missed.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}

fn run_synth(count: u64, seed: u64, out: Option<&Path>) -> Result<()> {
    let gazetteer = Gazetteer::embedded();
    let mut synth = Synth::new(gazetteer, seed);
    let mut writer: Box<dyn Write> = match out {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let bar = progress_bar(count);
    synth.write_collection(count, &mut writer, |i| {
        if i % 1000 == 0 {
            bar.set_position(i);
        }
    })?;
    writer.flush()?;
    bar.finish_and_clear();
    eprintln!("eventmap: wrote {count} synthetic events");
    Ok(())
}
