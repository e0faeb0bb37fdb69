. /tmp/attack-gate/lib.sh
DEP='apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: web:1
'
git -C "$T/repo" init -q -b main
W driftcheck.toml "$CONFIG"
W deploy/staging/app.yaml "$APP"; W deploy/prod/app.yaml "$APP"
W deploy/staging/web.yaml "$DEP"; W deploy/prod/web.yaml "$DEP"
as "${ADMIN[@]}"; g add -A; g commit -qm init; g checkout -q -b feature; as "${MAL[@]}"
