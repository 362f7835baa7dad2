//! The simulated organization as a running source: the initial organization streamed in,
//! then a tick of life every few seconds; triage writes kept through its later activity;
//! lookups answered from its simulated CloudTrail; a detection drill's attack played.

use super::*;

pub struct DemoSource {
    opts: DemoOptions,
    clock: Clock,
    writes: crate::model::triage::WritePolicy,
}

/// How long the simulated Security Hub takes to show a triage in its records.
const RECONCILE_AFTER: std::time::Duration = std::time::Duration::from_millis(1500);

impl DemoSource {
    pub fn new(opts: DemoOptions, clock: Clock) -> DemoSource {
        DemoSource {
            opts,
            clock,
            writes: Default::default(),
        }
    }

    /// Triage writes as the operator allowed them (off by default).
    pub fn with_writes(mut self, writes: crate::model::triage::WritePolicy) -> DemoSource {
        self.writes = writes;
        self
    }
}

/// Triage the simulated Security Hub took, by finding key hash: the later simulated
/// activity keeps it, as Security Hub keeps a workflow status a product update does not set.
pub(super) type Triaged =
    std::collections::HashMap<u64, (crate::model::triage::Change, String, DateTime<Utc>)>;

/// The simulated activity's findings with the triage the organization's Security Hub took.
fn keep_triage(update: Update, triaged: &Triaged) -> Update {
    match update {
        Update::Findings(list) if !triaged.is_empty() => Update::Findings(
            list.into_iter()
                .map(|f| match triaged.get(&crate::store::row_hash(&f)) {
                    Some((change, by, at)) => {
                        hub::applied(std::slice::from_ref(&f), change, by, *at)
                            .pop()
                            .unwrap_or(f)
                    }
                    None => f,
                })
                .collect(),
        ),
        other => other,
    }
}

/// How long after a detection drill starts the simulated attack shows in CloudTrail, and
/// then in a product's finding.
const ATTACK_AFTER: std::time::Duration = std::time::Duration::from_secs(4);

const FINDING_AFTER: std::time::Duration = std::time::Duration::from_secs(8);

/// A detection drill in the demo: the attack's CloudTrail events, then the finding a
/// product raises about it, as if the team ran the Stratus technique.
fn play_attack(
    opts: &DemoOptions,
    start: &crate::drill::exercise::Entry,
    clock: Clock,
    tx: tokio::sync::mpsc::Sender<Update>,
) {
    let crate::drill::exercise::Entry::Started {
        detections,
        findings: patterns,
        ..
    } = start
    else {
        return;
    };
    let (detections, patterns) = (detections.clone(), patterns.clone());
    let (seed, detector) = (opts.seed, opts.detector.clone());
    tokio::spawn(async move {
        tokio::time::sleep(ATTACK_AFTER).await;
        let mut events: Vec<TrailEvent> = activity::attack(seed, &detections, clock.now())
            .iter()
            .filter_map(activity::parse)
            .collect();
        detector.run(&mut events);
        if tx.send(Update::Events(events)).await.is_err() {
            return;
        }
        let Some(pattern) = patterns.first() else {
            return;
        };
        tokio::time::sleep(FINDING_AFTER - ATTACK_AFTER).await;
        let now = clock.now();
        let mut v = findings::asff_value(seed, u64::MAX / 2, now);
        let kind = pattern.replace('*', "");
        // One finding of every type the drill expects.
        let types: Vec<String> = patterns
            .iter()
            .map(|p| format!("TTPs/Drill simulation/{}", p.replace('*', "")))
            .collect();
        v["Types"] = json!(types);
        v["Title"] = json!(format!("{kind} (the drill's simulated attack)"));
        v["Id"] = json!(format!("drill-attack/{}", now.timestamp()));
        for key in [
            "CreatedAt",
            "UpdatedAt",
            "FirstObservedAt",
            "LastObservedAt",
        ] {
            v[key] = json!(findings::time(now));
        }
        let _ = tx
            .send(Update::Findings(findings::parse(&v).into_iter().collect()))
            .await;
    });
}

/// A command to the simulated organization: triage goes to its Security Hub, a lookup to
/// its CloudTrail, a detection drill gets its attack. False when the console has gone.
pub(super) async fn answer(
    cmd: Command,
    opts: &DemoOptions,
    clock: &Clock,
    writes: &crate::model::triage::WritePolicy,
    updates: &tokio::sync::mpsc::Sender<Update>,
    triaged: &mut Triaged,
) -> bool {
    match cmd {
        Command::Refresh => true,
        Command::Triage(req) => {
            let outcome = crate::source::write::perform(
                &hub::DemoHub { request: req.id },
                &req,
                writes,
                || clock.now(),
            )
            .await;
            let accepted: std::collections::HashSet<u64> = outcome
                .results
                .iter()
                .filter(|(_, r)| r.is_ok())
                .map(|(h, _)| *h)
                .collect();
            if updates.send(Update::Triaged(outcome)).await.is_err() {
                return false;
            }
            let records: Vec<_> = req
                .records
                .iter()
                .filter(|f| accepted.contains(&crate::store::row_hash(*f)))
                .cloned()
                .collect();
            let now = clock.now();
            for f in &records {
                let entry = (req.change.clone(), req.updated_by.clone(), now);
                triaged.insert(crate::store::row_hash(f), entry);
            }
            let shown = hub::applied(&records, &req.change, &req.updated_by, now);
            let tx = updates.clone();
            tokio::spawn(async move {
                tokio::time::sleep(RECONCILE_AFTER).await;
                let _ = tx.send(Update::Findings(shown)).await;
            });
            true
        }
        Command::Import(f) => {
            let hub = hub::DemoHub { request: f.request };
            let outcome =
                crate::source::write::perform_import(&hub, &f, writes, || clock.now()).await;
            updates.send(Update::Imported(outcome)).await.is_ok()
        }
        Command::Drill(start) => {
            play_attack(opts, &start, clock.clone(), updates.clone());
            true
        }
        Command::Lookup(lookup) => {
            let mut events: Vec<TrailEvent> = activity::about(opts.seed, &lookup)
                .iter()
                .filter_map(activity::parse)
                .collect();
            opts.detector.run(&mut events);
            let looked = crate::model::lookup::Looked {
                id: lookup.id,
                event_ids: events.iter().map(|e| e.event_id.clone()).collect(),
                error: None,
                offline: None,
            };
            updates.send(Update::Events(events)).await.is_ok()
                && updates.send(Update::Looked(looked)).await.is_ok()
        }
    }
}

impl Source for DemoSource {
    fn name(&self) -> String {
        format!(
            "demo (seed {}, {} findings)",
            self.opts.seed, self.opts.findings
        )
    }

    fn run(self: Box<Self>, mut ctx: SourceContext) -> SourceFuture {
        Box::pin(async move {
            let DemoSource {
                opts,
                clock,
                writes,
            } = *self;
            if ctx
                .updates
                .send(health(Status::Loading, None, 0))
                .await
                .is_err()
            {
                return;
            }
            let (build, tx, cancel) = (opts.clone(), ctx.updates.clone(), ctx.cancel.clone());
            let at = clock.now();
            let built = tokio::task::spawn_blocking(move || {
                stream(&build, at, |u| {
                    !cancel.is_cancelled() && tx.blocking_send(u).is_ok()
                })
            });
            tokio::select! {
                _ = ctx.cancel.cancelled() => return,
                done = built => if let Err(e) = done {
                    tracing::error!("demo generation failed: {e}");
                    return;
                },
            }
            let mut interval = tokio::time::interval(opts.tick);
            interval.tick().await;
            let mut tick = 0u64;
            let mut triaged = Triaged::new();
            loop {
                tokio::select! {
                    _ = ctx.cancel.cancelled() => return,
                    _ = interval.tick() => {}
                    cmd = ctx.commands.recv() => match cmd {
                        Some(Command::Refresh) => {}
                        Some(cmd) => {
                            if !answer(cmd, &opts, &clock, &writes, &ctx.updates, &mut triaged).await {
                                return;
                            }
                            continue;
                        }
                        None => return,
                    },
                }
                tick += 1;
                // Health last means the status line turns ok only after the data is in.
                for update in live_step(&opts, tick, clock.now()) {
                    let update = keep_triage(update, &triaged);
                    if ctx.updates.send(update).await.is_err() {
                        return;
                    }
                }
            }
        })
    }
}
