//! A background task that runs passes until stopped: between passes it waits for its
//! interval, a nudge, or the stop signal. The analysis and the campaign engine run as one.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// What a pass loop waits on.
pub struct Ticker {
    nudge: Arc<Notify>,
    stopped: watch::Receiver<bool>,
}

impl Ticker {
    /// Waits `wait`, or less when nudged; false once the task should stop.
    pub async fn wait(&mut self, wait: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(wait) => true,
            _ = self.nudge.notified() => true,
            _ = self.stopped.changed() => false,
        }
    }
}

/// A running periodic task.
pub struct Periodic {
    nudge: Arc<Notify>,
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl std::fmt::Debug for Periodic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Periodic").finish_non_exhaustive()
    }
}

impl Periodic {
    /// Spawns `run`, which loops over passes and calls [`Ticker::wait`] between them.
    pub fn start<F, Fut>(run: F) -> Periodic
    where
        F: FnOnce(Ticker) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let nudge = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        let ticker = Ticker {
            nudge: Arc::clone(&nudge),
            stopped,
        };
        Periodic {
            nudge,
            stop,
            handle: tokio::spawn(run(ticker)),
        }
    }

    /// A pass soon.
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    /// Stops after the pass in hand; aborts it after `timeout`.
    pub async fn stop(self, timeout: Duration) {
        let _ = self.stop.send(true);
        let mut handle = self.handle;
        if tokio::time::timeout(timeout, &mut handle).await.is_err() {
            handle.abort();
            let _ = handle.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn passes_run_on_the_interval_and_when_nudged_until_stopped() {
        let passes = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&passes);
        let job = Periodic::start(move |mut ticker| async move {
            loop {
                counted.fetch_add(1, Ordering::SeqCst);
                if !ticker.wait(Duration::from_secs(60)).await {
                    break;
                }
            }
        });
        tokio::task::yield_now().await;
        assert_eq!(passes.load(Ordering::SeqCst), 1);
        job.nudge();
        tokio::task::yield_now().await;
        tokio::task::yield_now().await;
        assert_eq!(passes.load(Ordering::SeqCst), 2);
        tokio::time::sleep(Duration::from_secs(61)).await;
        assert_eq!(passes.load(Ordering::SeqCst), 3);
        job.stop(Duration::from_secs(1)).await;
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(passes.load(Ordering::SeqCst), 3);
    }
}
