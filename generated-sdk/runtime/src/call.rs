//! The future every generated operation method returns.
//!
//! An `async fn` per operation is a state machine per operation, each holding the transport's
//! send future inline; at the scale of the whole API (a thousand operations, all instantiated
//! by the `wxpay` tool) those dominated code generation and memory. A generated method instead
//! prepares its request synchronously (checks, encryption, URL, body) and returns a [`Call`]:
//! one type for every operation, holding the transport's future boxed and the response decoder.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::error::Error;
use super::transport::{ApiRequest, ApiResponse, Transport};

/// The transport's answer to one request, still on its way.
type Sending<'a> = Pin<Box<dyn Future<Output = Result<ApiResponse, Error>> + Send + 'a>>;

/// One operation call: await it for the decoded answer. Nothing is sent until it is first
/// polled; a request refused locally (a length limit, a missing key) fails on that first poll
/// without any network I/O.
#[must_use = "a call does nothing unless awaited"]
pub struct Call<'a, R> {
    state: State<'a>,
    decode: fn(ApiResponse) -> Result<R, Error>,
}

enum State<'a> {
    Sending(Sending<'a>),
    Refused(Error),
    Done,
}

impl<'a, R> Call<'a, R> {
    /// Sends `request` over `transport` once polled, decoding the answer with `decode`; a
    /// request that could not be prepared is returned as its error.
    pub fn new<T: Transport>(
        transport: &'a T,
        request: Result<ApiRequest, Error>,
        decode: fn(ApiResponse) -> Result<R, Error>,
    ) -> Self {
        Self {
            state: State::start(transport, request),
            decode,
        }
    }
}

impl<'a> State<'a> {
    /// Boxes the transport's future: one copy per transport type, shared by every operation.
    fn start<T: Transport>(transport: &'a T, request: Result<ApiRequest, Error>) -> Self {
        match request {
            Ok(request) => State::Sending(Box::pin(transport.send(request))),
            Err(error) => State::Refused(error),
        }
    }

    /// The transport's answer once it is there; the same code for every operation.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<ApiResponse, Error>> {
        let answer = match self {
            State::Sending(sending) => match sending.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(answer) => answer,
            },
            State::Refused(_) | State::Done => match std::mem::replace(self, State::Done) {
                State::Refused(error) => Err(error),
                _ => Err(Error::Config {
                    reason: "an operation call was polled after it completed".to_owned(),
                }),
            },
        };
        *self = State::Done;
        Poll::Ready(answer)
    }
}

impl<R> Future for Call<'_, R> {
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let call = self.get_mut();
        match call.state.poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Ok(response)) => Poll::Ready((call.decode)(response)),
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
        }
    }
}

impl<R> fmt::Debug for Call<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Sending(_) => "sending",
            State::Refused(_) => "refused",
            State::Done => "done",
        };
        f.debug_struct("Call").field("state", &state).finish()
    }
}
