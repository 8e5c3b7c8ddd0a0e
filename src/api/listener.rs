//! The connections under the router: how many are served at once, how long one may take to
//! send a request head, and the exception body in the answers hyper writes itself. hyper
//! answers a request head it cannot take (too long a target, too large header fields,
//! malformed) before any handler or middleware sees it, with an empty body; [`Conn`] gives
//! those answers the API's exception body too.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::ApiError;

/// What one client may hold of the server.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Longest wait for a whole request head, counted from when the server starts waiting for
    /// one (the connection opened, or the previous answer was sent): a silent connection, a
    /// half-sent head and an idle keep-alive connection are all closed after it.
    pub header_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog until one closes.
    pub max_connections: u32,
    /// How long a stop waits for the requests under way.
    pub shutdown_grace: Duration,
}

/// Serves `app` on `listener` within `limits` until `shutdown` resolves, then stops accepting,
/// lets the requests under way finish, and returns once every connection has closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections as usize));
    let (stop, stopped) = watch::channel(());
    tokio::pin!(shutdown);
    loop {
        // At the cap no connection is accepted: the next ones wait in the kernel's backlog.
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => permit.map_err(io::Error::other)?,
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // wait a little rather than spin, and go on.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            let conn = builder.serve_connection(TokioIo::new(Conn::new(stream)), service);
            tokio::pin!(conn);
            let served = tokio::select! {
                served = conn.as_mut() => served,
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = served {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    // The port closes now; the connections open finish what they are doing.
    drop(listener);
    let _ = stop.send(());
    // Each connection holds a permit until it ends: all of them back means all ended. A
    // client that never finishes its request does not hold the stop for ever.
    let all_ended = permits.acquire_many(limits.max_connections);
    match tokio::time::timeout(limits.shutdown_grace, all_ended).await {
        Ok(ended) => drop(ended.map_err(io::Error::other)?),
        Err(_) => tracing::warn!(
            open = limits.max_connections as usize - permits.available_permits(),
            "connections still open after the shutdown grace: stopping anyway"
        ),
    }
    Ok(())
}

/// One connection: reads pass through; a write that is exactly hyper's own error head is
/// replaced by the same answer with a body.
struct Conn<T> {
    io: T,
    /// The replacement still to write, and how many of hyper's bytes to report written then.
    pending: Option<(Vec<u8>, usize, usize)>,
}

/// hyper's answer to a head it refused, as the exception the API gives: `None` for any other
/// write. hyper writes that answer (`HTTP/1.1 400|414|431 …`, `connection: close`,
/// `content-length: 0`, a date) alone and closes the connection after it, so only a write
/// that is exactly such a head is one.
fn with_body(buf: &[u8]) -> Option<Vec<u8>> {
    // Every answer's head passes here: most are told apart by their first bytes, before the
    // whole write is checked for UTF-8.
    if !buf.starts_with(b"HTTP/1.1 4") {
        return None;
    }
    let head = std::str::from_utf8(buf).ok()?;
    if head.find("\r\n\r\n")? != head.len() - 4 {
        return None;
    }
    let mut lines = head[..head.len() - 4].split("\r\n");
    let status_line = lines.next()?;
    let code = status_line.strip_prefix("HTTP/1.1 ")?.get(..3)?;
    if !matches!(code, "400" | "414" | "431") {
        return None;
    }
    let status = StatusCode::from_bytes(code.as_bytes()).ok()?;
    let mut empty = false;
    let mut kept = Vec::new();
    for line in lines {
        let lower = line.to_ascii_lowercase();
        if lower == "content-length: 0" {
            empty = true;
        } else if lower.starts_with("content-") || lower.starts_with("transfer-encoding") {
            return None;
        } else {
            kept.push(line);
        }
    }
    empty.then(|| ApiError::for_status(status, None).http1_response(status_line, &kept))
}

impl<T> Conn<T> {
    fn new(io: T) -> Conn<T> {
        Conn { io, pending: None }
    }
}

impl<T: AsyncWrite + Unpin> Conn<T> {
    /// Writes what is left of a replacement (kept until a write reports it to hyper).
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some((bytes, written, _)) = &mut self.pending {
            while *written < bytes.len() {
                let n = ready!(Pin::new(&mut self.io).poll_write(cx, &bytes[*written..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                *written += n;
            }
        }
        Poll::Ready(Ok(()))
    }

    /// Finishes a replacement and gives the count of hyper's bytes it stands for.
    fn poll_replaced(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<usize>>> {
        ready!(self.poll_drain(cx))?;
        Poll::Ready(Ok(self.pending.take().map(|(_, _, reported)| reported)))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Conn<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Conn<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none()
            && let Some(replacement) = with_body(buf)
        {
            this.pending = Some((replacement, 0, buf.len()));
        }
        match ready!(this.poll_replaced(cx))? {
            Some(reported) => Poll::Ready(Ok(reported)),
            None => Pin::new(&mut this.io).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // hyper's error head comes as the only buffer; everything else keeps its vectored write.
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            return self.poll_write(cx, only);
        }
        let this = self.get_mut();
        match ready!(this.poll_replaced(cx))? {
            Some(reported) => Poll::Ready(Ok(reported)),
            None => Pin::new(&mut this.io).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.io).poll_shutdown(cx)
    }
}
