//! The helm component's charts on real generated projects: `helm lint --strict`, and what
//! `helm template` renders with the defaults and with the optional pieces switched on —
//! hardened pods, a NetworkPolicy, a namespace on every object, GOMEMLIMIT below the memory
//! limit, and installs that fail with a clear message when a required setting is missing.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::generated::{
    Project, chart_dirs, generate, literal_secrets, manifests, of_kind, parse_yaml, project_files,
    projects, read, run_ok,
};
use crate::support::{Sandbox, require_tool};

const NAMESPACE: &str = "demo";
const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
/// `metrics.port`: /metrics on a port of its own, for the charts that offer it.
const METRICS_PORT: u16 = 9090;
const METRICS_SET: &str = "metrics.port=9090";

/// The chart directory of `project`, relative to the work directory, when it has one.
fn chart_of(sandbox: &Sandbox, project: &Project) -> Option<String> {
    let charts = chart_dirs(&project_files(sandbox, project));
    assert!(
        charts.len() <= 1,
        "{}: more than one chart: {charts:?}",
        project.name
    );
    charts
        .first()
        .map(|chart| format!("{}/{chart}", project.name))
}

/// `helm template rel CHART --namespace demo` with the chart's required values and `sets`.
fn template(
    sandbox: &Sandbox,
    project: &Project,
    chart: &str,
    sets: &[&str],
    api_versions: &[&str],
) -> (String, std::process::Output) {
    let mut cmd = sandbox.command(require_tool("helm"));
    cmd.args(["template", "rel", chart, "--namespace", NAMESPACE]);
    for set in project.chart_needs.iter().chain(sets) {
        cmd.args(["--set", set]);
    }
    for api in api_versions {
        cmd.args(["--api-versions", api]);
    }
    let what = format!("{}: {cmd:?}", project.name);
    (what, cmd.output().expect("running helm"))
}

/// Bytes of a Kubernetes memory quantity such as 128Mi.
fn quantity_bytes(quantity: &str) -> f64 {
    let split = quantity
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(quantity.len());
    let (number, unit) = quantity.split_at(split);
    let scale = match unit {
        "" => 1.0,
        "k" | "K" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        other => panic!("unexpected memory unit {other:?} in {quantity}"),
    };
    number.parse::<f64>().unwrap() * scale
}

fn env_value<'a>(container: &'a Value, name: &str) -> Option<&'a Value> {
    container["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .map(|e| &e["value"])
}

/// The entry named `name` in a list of ports (a container's or a Service's).
fn named_port<'a>(ports: &'a Value, name: &str) -> Option<&'a Value> {
    ports.as_array()?.iter().find(|p| p["name"] == name)
}

/// What every rendered chart must hold, service or worker.
fn check_common(what: &str, docs: &BTreeMap<(String, String), Value>, digest: bool) {
    for ((kind, name), doc) in docs {
        assert_eq!(
            doc["metadata"]["namespace"], NAMESPACE,
            "{what}: {kind} {name} does not name its namespace"
        );
    }
    let deployments = of_kind(docs, "Deployment");
    assert_eq!(deployments.len(), 1, "{what}: one Deployment expected");
    let deployment = deployments[0];
    let pod = &deployment["spec"]["template"]["spec"];
    let container = &pod["containers"][0];

    assert_eq!(
        container["securityContext"]["readOnlyRootFilesystem"], true,
        "{what}: the container's root filesystem is writable"
    );
    let non_root = container["securityContext"]
        .get("runAsNonRoot")
        .unwrap_or(&pod["securityContext"]["runAsNonRoot"]);
    assert_eq!(non_root, true, "{what}: runAsNonRoot is not true");
    for part in ["requests", "limits"] {
        let set = &container["resources"][part];
        assert!(
            set.get("cpu").is_some() && set.get("memory").is_some(),
            "{what}: resources.{part} lacks cpu or memory: {}",
            container["resources"]
        );
    }

    // GOMEMLIMIT leaves the runtime about a tenth of the limit as headroom.
    let limit = container["resources"]["limits"]["memory"].as_str().unwrap();
    let expected = (quantity_bytes(limit) * 0.9).floor();
    let gomemlimit = env_value(container, "GOMEMLIMIT")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{what}: no GOMEMLIMIT value: {}", container["env"]));
    assert_eq!(
        gomemlimit.parse::<f64>().ok(),
        Some(expected),
        "{what}: GOMEMLIMIT should be 90 % of {limit}"
    );

    let image = container["image"].as_str().unwrap();
    let policy = container["imagePullPolicy"].as_str().unwrap_or_default();
    let annotations = &deployment["metadata"]["annotations"];
    if digest {
        assert!(image.ends_with(DIGEST), "{what}: image {image} not pinned");
        assert_eq!(policy, "IfNotPresent", "{what}: pull policy with a digest");
        assert!(
            annotations.get("checkov.io/skip-image-digest").is_none(),
            "{what}: the digest check is skipped although the image has one"
        );
    } else {
        assert!(!image.contains('@'), "{what}: unexpected digest in {image}");
        assert_eq!(policy, "Always", "{what}: a tag must be pulled Always");
    }

    // One NetworkPolicy selects the application's pods, for both directions, and lets
    // them resolve names.
    let selector = &deployment["spec"]["selector"]["matchLabels"];
    let policies: Vec<&Value> = of_kind(docs, "NetworkPolicy")
        .into_iter()
        .filter(|p| &p["spec"]["podSelector"]["matchLabels"] == selector)
        .collect();
    assert_eq!(
        policies.len(),
        1,
        "{what}: no NetworkPolicy selects the pods {selector}"
    );
    let policy = policies[0];
    assert_eq!(
        policy["spec"]["policyTypes"],
        serde_json::json!(["Ingress", "Egress"]),
        "{what}: the NetworkPolicy must restrict both directions"
    );
    let egress = policy["spec"]["egress"].as_array().unwrap();
    assert!(
        egress.iter().any(|rule| {
            rule["ports"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["port"] == 53))
        }),
        "{what}: the NetworkPolicy blocks DNS"
    );
}

/// A service's Deployment, Service, probes, NetworkPolicy and test pod; `metrics_port` is
/// the port of its own that /metrics should be served on, if any.
fn check_service(
    what: &str,
    project: &Project,
    docs: &BTreeMap<(String, String), Value>,
    toggles: bool,
    metrics_port: Option<u16>,
) {
    let fullname = format!("rel-{}", project.name);
    let port = project.port;
    let deployment = &docs[&("Deployment".to_owned(), fullname.clone())];
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    let http = named_port(&container["ports"], "http")
        .unwrap_or_else(|| panic!("{what}: no container port named http"));
    assert_eq!(http["containerPort"], port, "{what}: container port");
    assert_eq!(
        env_value(container, "PORT"),
        Some(&Value::from(port.to_string())),
        "{what}: PORT should be the http port"
    );

    // With metrics.port, the application is told to serve /metrics there (METRICS_PORT),
    // and the container declares it; without, neither.
    let metrics = named_port(&container["ports"], "metrics");
    let metrics_env = env_value(container, "METRICS_PORT");
    match metrics_port {
        Some(metrics_port) => {
            assert_eq!(
                metrics.map(|p| &p["containerPort"]),
                Some(&Value::from(metrics_port)),
                "{what}: no container port named metrics on {metrics_port}: {}",
                container["ports"]
            );
            assert_eq!(
                metrics.map(|p| &p["protocol"]),
                Some(&Value::from("TCP")),
                "{what}: metrics port protocol"
            );
            assert_eq!(
                metrics_env,
                Some(&Value::from(metrics_port.to_string())),
                "{what}: METRICS_PORT should be {metrics_port}: {}",
                container["env"]
            );
        }
        None => assert!(
            metrics.is_none() && metrics_env.is_none(),
            "{what}: a metrics port or METRICS_PORT without metrics.port: {} {}",
            container["ports"],
            container["env"]
        ),
    }
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let get = &container[probe]["httpGet"];
        assert!(
            get["path"] == path && get["port"] == "http",
            "{what}: {probe} should GET {path} on port http, is {}",
            container[probe]
        );
    }

    let service = &docs[&("Service".to_owned(), fullname.clone())];
    assert_eq!(service["spec"]["ports"][0]["port"], port, "{what}: port");
    let selector = service["spec"]["selector"].as_object().unwrap();
    // Every Service port leads to a port the container declares, by name.
    let service_ports = service["spec"]["ports"].as_array().unwrap();
    for service_port in service_ports {
        let target = service_port["targetPort"].as_str().unwrap_or_default();
        assert!(
            named_port(&container["ports"], target).is_some(),
            "{what}: Service port {service_port} targets no container port"
        );
    }
    let expected_names: &[&str] = if metrics_port.is_some() {
        &["http", "metrics"]
    } else {
        &["http"]
    };
    let names: Vec<&str> = service_ports
        .iter()
        .map(|p| p["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(names, expected_names, "{what}: Service ports");
    if let Some(metrics_port) = metrics_port {
        let metrics = named_port(&service["spec"]["ports"], "metrics").unwrap();
        assert!(
            metrics["port"] == metrics_port && metrics["targetPort"] == "metrics",
            "{what}: the Service's metrics port should be {metrics_port}, to the container's \
             metrics port: {metrics}"
        );
    }

    // Only the service port comes in, and the metrics port when it has one.
    let policy = &docs[&("NetworkPolicy".to_owned(), fullname.clone())];
    let ingress = policy["spec"]["ingress"].as_array().unwrap();
    let ports: Vec<&Value> = ingress
        .iter()
        .flat_map(|rule| rule["ports"].as_array().unwrap())
        .collect();
    assert!(
        !ports.is_empty()
            && ports
                .iter()
                .all(|p| expected_names.contains(&p["port"].as_str().unwrap_or_default())),
        "{what}: the NetworkPolicy admits more than {expected_names:?}: {ingress:?}"
    );
    // A named port in a NetworkPolicy means the pod's container port of that name.
    for p in &ports {
        let name = p["port"].as_str().unwrap_or_default();
        assert!(
            named_port(&container["ports"], name).is_some(),
            "{what}: the NetworkPolicy admits port {name}, which the container does not declare"
        );
    }
    let rules_for = |name: &str| -> Vec<&Value> {
        ingress
            .iter()
            .filter(|rule| {
                rule["ports"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["port"] == name)
            })
            .collect()
    };
    if metrics_port.is_some() {
        // By default any pod in the cluster may scrape, nothing from outside it.
        let rules = rules_for("metrics");
        assert!(
            rules.len() == 1 && rules[0]["from"] == serde_json::json!([{"namespaceSelector": {}}]),
            "{what}: the NetworkPolicy should admit the metrics port from every namespace: \
             {ingress:?}"
        );
    } else {
        assert!(rules_for("metrics").is_empty(), "{what}: {ingress:?}");
    }

    // The test pod has resources and probes, and the Service never routes to it.
    let tests = of_kind(docs, "Pod");
    assert_eq!(tests.len(), 1, "{what}: one helm test pod expected");
    let test = tests[0];
    let labels = test["metadata"]["labels"].as_object().unwrap();
    assert!(
        !selector.iter().all(|(k, v)| labels.get(k) == Some(v)),
        "{what}: the Service selects the test pod"
    );
    let test_container = &test["spec"]["containers"][0];
    for key in ["resources", "livenessProbe", "readinessProbe"] {
        assert!(
            test_container[key].is_object(),
            "{what}: the test pod has no {key}"
        );
    }
    assert!(
        of_kind(docs, "NetworkPolicy").len() == 2,
        "{what}: the test pod has no NetworkPolicy of its own"
    );

    let ingresses = of_kind(docs, "Ingress");
    let hpas = of_kind(docs, "HorizontalPodAutoscaler");
    if toggles {
        assert!(!ingresses.is_empty(), "{what}: no Ingress");
        assert!(
            hpas.iter()
                .any(|h| h["spec"]["scaleTargetRef"]["name"] == fullname.as_str()),
            "{what}: no HorizontalPodAutoscaler scaling {fullname}"
        );
    } else {
        assert!(
            ingresses.is_empty() && hpas.is_empty(),
            "{what}: Ingress or HPA rendered though off by default"
        );
        assert_eq!(
            deployment["spec"]["replicas"], 1,
            "{what}: one replica by default"
        );
    }
}

/// A worker: one pod, replaced rather than rolled, no port, and a liveness probe that runs
/// the binary's `-healthcheck`, which reads the heartbeat the worker keeps under `/tmp`.
fn check_worker(what: &str, project: &Project, docs: &BTreeMap<(String, String), Value>) {
    for kind in [
        "Service",
        "Ingress",
        "HTTPRoute",
        "HorizontalPodAutoscaler",
        "Pod",
    ] {
        assert!(
            of_kind(docs, kind).is_empty(),
            "{what}: a worker with a {kind}"
        );
    }
    let deployment = of_kind(docs, "Deployment")[0];
    assert_eq!(deployment["spec"]["replicas"], 1, "{what}: replicas");
    assert_eq!(
        deployment["spec"]["strategy"]["type"], "Recreate",
        "{what}: two pollers would overlap during a rolling update"
    );
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert!(container.get("ports").is_none(), "{what}: a worker port");
    // `-version` would only prove the binary starts; `-healthcheck` fails once the polling
    // loop stops renewing its heartbeat.
    let probe = &container["livenessProbe"];
    assert_eq!(
        probe["exec"]["command"],
        serde_json::json!([format!("/usr/local/bin/{}", project.name), "-healthcheck"]),
        "{what}: the liveness probe should exec -healthcheck: {probe}"
    );
    // The heartbeat goes stale after 60 s of silence at the least; the probe only adds
    // patience on top, and must give the binary time to start.
    assert!(
        probe["periodSeconds"].as_u64() >= Some(10)
            && probe["failureThreshold"].as_u64() >= Some(2)
            && probe["timeoutSeconds"].as_u64() >= Some(2),
        "{what}: a liveness probe too impatient for the heartbeat: {probe}"
    );
    // The heartbeat's default place, /tmp, is writable on the read-only root filesystem.
    let pod = &deployment["spec"]["template"]["spec"];
    let tmp = container["volumeMounts"]
        .as_array()
        .and_then(|mounts| mounts.iter().find(|m| m["mountPath"] == "/tmp"))
        .unwrap_or_else(|| panic!("{what}: nothing mounted at /tmp for the heartbeat"));
    assert!(
        tmp.get("readOnly") != Some(&Value::Bool(true))
            && pod["volumes"].as_array().is_some_and(|volumes| {
                volumes
                    .iter()
                    .any(|v| v["name"] == tmp["name"] && v.get("emptyDir").is_some())
            }),
        "{what}: /tmp should be a writable emptyDir: {tmp} in {}",
        pod["volumes"]
    );
    assert!(
        env_value(container, "HEARTBEAT_FILE").is_none(),
        "{what}: the worker and its probe should share the default heartbeat under /tmp"
    );
    let policy = of_kind(docs, "NetworkPolicy")[0];
    assert_eq!(
        policy["spec"]["ingress"],
        serde_json::json!([]),
        "{what}: a worker accepts connections"
    );
}

#[test]
fn helm_charts_lint_strictly_and_render_hardened_probed_workloads() {
    let helm = require_tool("helm");
    let sandbox = generate();
    for project in projects() {
        let name = project.name;
        let Some(chart) = chart_of(&sandbox, project) else {
            assert!(!project.has("helm"), "{name}: --with helm wrote no chart");
            continue;
        };
        assert!(project.has("helm"), "{name}: a chart without --with helm");
        assert!(
            project.long_running(),
            "{name}: a chart for a command-line tool"
        );

        let mut lint = sandbox.command(&helm);
        lint.args(["lint", "--strict", &chart]);
        for set in project.chart_needs {
            lint.args(["--set", set]);
        }
        run_ok(&format!("{name}: helm lint --strict {chart}"), &mut lint);
        if project.metrics_port() {
            run_ok(
                &format!("{name}: helm lint --strict {chart} --set {METRICS_SET}"),
                lint.args(["--set", METRICS_SET]),
            );
            // The variable the chart sets is the one the application reads.
            let config = read(&sandbox, project, "internal/config/config.go");
            assert!(
                config.contains("\"METRICS_PORT\""),
                "{name}: the application does not read METRICS_PORT, which the chart sets"
            );
        }

        let values_path = format!(
            "{}/values.yaml",
            chart.strip_prefix(&format!("{name}/")).unwrap()
        );
        let values = parse_yaml(
            project,
            &values_path,
            &read(&sandbox, project, &values_path),
        );
        let mut secrets = Vec::new();
        literal_secrets(&values, "", &mut secrets);
        assert!(
            secrets.is_empty(),
            "{name}: {values_path} holds literal secrets: {secrets:?}"
        );

        // (sets, the optional pieces are on, the metrics port)
        let mut variants: Vec<(Vec<&str>, bool, Option<u16>)> = vec![(vec![], false, None)];
        if project.service {
            let mut toggles = vec![
                "ingress.enabled=true",
                "autoscaling.enabled=true",
                "networkPolicy.enabled=true",
            ];
            if project.pack == "rest-api" {
                toggles.push("sharedStore=true");
            }
            if project.metrics_port() {
                variants.push((vec![METRICS_SET], false, Some(METRICS_PORT)));
                let mut with_port = toggles.clone();
                with_port.push(METRICS_SET);
                variants.push((with_port, true, Some(METRICS_PORT)));
            }
            variants.push((toggles, true, None));
        }
        for (sets, toggles, metrics_port) in variants {
            for digest in [false, true] {
                let mut sets = sets.clone();
                let pin = format!("image.digest={DIGEST}");
                if digest {
                    sets.push(&pin);
                }
                let (what, output) = template(&sandbox, project, &chart, &sets, &[]);
                let stdout = String::from_utf8_lossy(&output.stdout);
                assert!(
                    output.status.success(),
                    "{what} failed:\n{stdout}{}",
                    String::from_utf8_lossy(&output.stderr)
                );
                let docs = manifests(&what, &stdout);
                check_common(&what, &docs, digest);
                if project.service {
                    check_service(&what, project, &docs, toggles, metrics_port);
                } else {
                    check_worker(&what, project, &docs);
                }
                assert!(
                    of_kind(&docs, "ServiceMonitor").is_empty(),
                    "{what}: a ServiceMonitor on a cluster without the Prometheus Operator"
                );
            }
        }

        // With the Prometheus Operator's API, metrics bring a ServiceMonitor, which scrapes
        // a port of the Service: the metrics port when the chart has one, else http.
        let mut monitored: Vec<(Vec<&str>, &str)> = vec![(vec![], "http")];
        if project.metrics_port() {
            monitored.push((vec![METRICS_SET], "metrics"));
        }
        for (sets, port_name) in monitored {
            let (what, output) = template(
                &sandbox,
                project,
                &chart,
                &sets,
                &["monitoring.coreos.com/v1"],
            );
            assert!(output.status.success(), "{what} failed");
            let docs = manifests(&what, &String::from_utf8_lossy(&output.stdout));
            let monitors = of_kind(&docs, "ServiceMonitor");
            if !project.metrics {
                assert!(
                    monitors.is_empty(),
                    "{what}: a ServiceMonitor with metrics off"
                );
                continue;
            }
            assert_eq!(monitors.len(), 1, "{what}: one ServiceMonitor expected");
            let endpoints = monitors[0]["spec"]["endpoints"].as_array().unwrap();
            assert!(
                endpoints.len() == 1
                    && endpoints[0]["path"] == "/metrics"
                    && endpoints[0]["port"] == port_name,
                "{what}: the ServiceMonitor should scrape /metrics on port {port_name}: \
                 {endpoints:?}"
            );
            // The Prometheus Operator finds the Service by its labels and the port by name.
            let wanted = monitors[0]["spec"]["selector"]["matchLabels"]
                .as_object()
                .unwrap();
            let services: Vec<&Value> = of_kind(&docs, "Service")
                .into_iter()
                .filter(|svc| {
                    wanted
                        .iter()
                        .all(|(k, v)| svc["metadata"]["labels"].get(k) == Some(v))
                })
                .collect();
            assert!(
                services.len() == 1
                    && named_port(&services[0]["spec"]["ports"], port_name).is_some(),
                "{what}: the ServiceMonitor selects no Service with a port named {port_name}"
            );
        }
    }
}

/// `helm template` (and so `helm install`) stops with one clear message instead of
/// deploying pods that crash-loop or that lose data.
#[test]
fn helm_charts_refuse_installs_that_could_not_work() {
    let sandbox = generate();
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "bot-discord",
            &[],
            "set discord.publicKey (from the Discord developer portal) or existingSecret",
        ),
        (
            "bot-telegram",
            &[],
            "set existingSecret to a Secret holding TELEGRAM_BOT_TOKEN",
        ),
        (
            "api-default",
            &["autoscaling.enabled=true"],
            "more than one pod needs sharedStore=true",
        ),
        (
            "api-default",
            &["replicaCount=3"],
            "more than one pod needs sharedStore=true",
        ),
        (
            "api-custom",
            &["existingSecret="],
            "set existingSecret to a Secret holding API_TOKEN",
        ),
        (
            "api-default",
            &["resources.limits.memory=lots"],
            "resources.limits.memory is \"lots\"",
        ),
        // A metrics port the application would refuse (PORT itself, or out of range).
        (
            "api-default",
            &["metrics.port=8080"],
            "metrics.port is 8080: use a port from 1 to 65535 other than service.port",
        ),
        (
            "api-default",
            &["metrics.port=70000"],
            "metrics.port is 70000: use a port from 1 to 65535",
        ),
    ];
    for (name, sets, message) in cases {
        let project = projects().find(|p| p.name == *name).unwrap();
        let chart = chart_of(&sandbox, project).unwrap();
        let mut cmd = sandbox.command(require_tool("helm"));
        cmd.args(["template", "rel", &chart, "--namespace", NAMESPACE]);
        for set in *sets {
            cmd.args(["--set", set]);
        }
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(message),
            "{name} {sets:?}: expected a failure saying {message:?}, got {}:\n{stderr}",
            output.status
        );
    }
}

/// A Telegram bot made without the chart gets it from `scaffold add helm`, a worker chart
/// that lints.
#[test]
fn add_helm_gives_a_telegram_bot_a_worker_chart() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&[
            "new",
            "bot",
            "poller",
            "--defaults",
            "--set",
            "platform=telegram",
            "--without",
            "helm",
        ])
        .success();
    assert!(!sandbox.path("poller/deploy").exists());
    let run = sandbox
        .run(&["add", "helm", "--dir", "poller", "--defaults"])
        .success();
    assert!(
        run.stderr
            .contains("deploy/helm/poller/templates/deployment.yaml"),
        "add helm did not report the chart:\n{}",
        run.stderr
    );
    assert!(
        !sandbox
            .path("poller/deploy/helm/poller/templates/service.yaml")
            .exists()
    );
    run_ok(
        "helm lint --strict poller",
        sandbox.command(require_tool("helm")).args([
            "lint",
            "--strict",
            "poller/deploy/helm/poller",
            "--set",
            "existingSecret=poller-env",
        ]),
    );
}
