package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/sandbox"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
	"github.com/cprtestdata/cprtestdata/sandbox/ftpsd"
	"github.com/cprtestdata/cprtestdata/sandbox/sftpd"
	"golang.org/x/crypto/ssh"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "run a disposable CPR test environment: extracts on a simulated clock and person lookups over HTTP",
		Description: `Makes a population (10,000 persons by default, in well under a second) and serves it: the status
extract as of --as-of, a change extract for each day the clock is moved on, and every person as they are
today, over HTTP and over CPR Direkte (plain TCP and TLS: the 35-byte LOGON and 39-byte lookup, the
28-byte header and the person's records, CPR's error numbers).

Municipalities' doors are Serviceplatformen's: SF1520 PersonBaseDataExtended (v4, v5) and SF6002 CPR
Abonnement as SOAP over HTTPS (--https), and each customer's daily delta file over SFTP (--sftp), in IN
with its .metadata, thinned by the SF6002 filters of each service agreement. Batch customers' door is
CPR's FTPS (--ftps, explicit TLS): ud/ holds the customer's own extracts, ind/ takes input files
(d<yymmdd>.i<job>: 06 PNR subscriptions, 07 requisitions), carried out at the next delivery.

The default customer is 1234: CPR Direkte user TESTUSER, password Test1234, from any address; SFTP user
1234, password Test1234 (FTPS the same); every SOAP request is taken as its. The default private
customer is 5678: user PRIVUSER, password Test1234, CPR Direkte's PRIV. --customers gives others as JSON:
   [{"number": 1234, "allowed_ips": ["127.0.0.0/8"], "users": [{"id": "TESTUSER", "password": "Test1234"}],
     "password": "Test1234", "ssh_keys": ["ssh-ed25519 AAAA... me@host"],
     "service_agreements": ["579e05e9-1bf3-4670-a2b6-9c99063e5f1a"], "client_certificates": ["<sha256 hex>"]}]

Every flag can be given as an environment variable instead (CPRTESTDATA_HTTP, ...). It listens on
loopback only unless told otherwise (--http :8080 for every interface; the container image does so).
--admin-token T makes every request under /admin/ need "Authorization: Bearer T". SIGTERM or Ctrl-C shut
it down gracefully: idle connections close at once, requests in flight get --shutdown-timeout to
finish, and it exits 0 (3 when it had to cut some).

   GET  /                             a web page: the clock, extracts, person search, scenarios
   GET  /healthz                      200 when it serves
   GET  /api/extracts                 the published extracts with download URLs
   GET  /api/extracts/{name}          an extract (Range, ETag)
   GET  /api/persons/{pnr}            a person as they are today (404 when unknown)
   GET  /api/persons?name=&birth_date=&postcode=&road=   search
   GET  /api/doors                    the SFTP, HTTPS and CPR Direkte addresses, host keys, each customer's logon
   POST /service/CPR/PersonBaseDataExtended/4 (and /5)   SF1520 PersonLookup
   POST /service/CPRSubscription/CPRSubscription/1/      SF6002 CPR Abonnement
   POST /admin/clock/advance?days=N   move the clock on, publishing a change extract per day
   POST /admin/reset                  back to the start date
   ... faults, snapshots, customers, the journal: GET /api/openapi.json describes them all

Examples:
   testdata serve
   testdata serve --http 127.0.0.1:9000 --persons 50000 --seed 7 --weekdays
   testdata serve --http :8080 --admin-token "$(openssl rand -hex 16)"   # reachable from other hosts
   testdata serve --dir out                       # what testdata generate --out out wrote
   sftp -P 2222 1234@localhost                    # password Test1234; get IN/D260102.L900001.<agreement>
   curl -X POST 'localhost:8080/admin/clock/advance?days=3'`,

		Flags: append(populationFlags(),
			&cli.StringFlag{Name: "dir", Usage: "serve a directory made by testdata generate (its population, status extract and change extracts) instead of making one", EnvVars: []string{"CPRTESTDATA_DIR"}},
			&cli.StringFlag{Name: "http", Value: "127.0.0.1:8080", Usage: "address to serve HTTP on (:8080 for every interface)", EnvVars: []string{"CPRTESTDATA_HTTP"}},
			&cli.StringFlag{Name: "direkte", Value: "127.0.0.1:5000", Usage: "address to serve CPR Direkte on, plain TCP (empty: not served)", EnvVars: []string{"CPRTESTDATA_DIREKTE"}},
			&cli.StringFlag{Name: "direkte-tls", Value: "127.0.0.1:5001", Usage: "address to serve CPR Direkte on over TLS (empty: not served)", EnvVars: []string{"CPRTESTDATA_DIREKTE_TLS"}},
			&cli.StringFlag{Name: "sftp", Value: "127.0.0.1:2222", Usage: "address to serve SFTP on: each customer's IN directory of Serviceplatformen delta files (empty: not served)", EnvVars: []string{"CPRTESTDATA_SFTP"}},
			&cli.StringFlag{Name: "sftp-host-key", Usage: "PEM private key (as ssh-keygen writes it) of the SFTP server (default: Ed25519 and RSA keys made at start)", EnvVars: []string{"CPRTESTDATA_SFTP_HOST_KEY"}},
			&cli.StringFlag{Name: "ftps", Value: "127.0.0.1:2121", Usage: "address to serve CPR's FTPS on (explicit TLS): each customer's ud/ of its own extracts and ind/ for input files (empty: not served)", EnvVars: []string{"CPRTESTDATA_FTPS"}},
			&cli.StringFlag{Name: "ftps-passive", Usage: "FTPS passive data ports, LOW-HIGH (default: any free port; a container publishes the range it sets)", EnvVars: []string{"CPRTESTDATA_FTPS_PASSIVE"}},
			&cli.StringFlag{Name: "https", Value: "127.0.0.1:8443", Usage: "address to serve HTTPS on: the SOAP services SF1520 and SF6002 and the HTTP API (empty: not served)", EnvVars: []string{"CPRTESTDATA_HTTPS"}},
			&cli.BoolFlag{Name: "require-client-cert", Usage: "on HTTPS, take the SOAP caller from its TLS client certificate (client_certificates in --customers), as Serviceplatformen does", EnvVars: []string{"CPRTESTDATA_REQUIRE_CLIENT_CERT"}},
			&cli.StringFlag{Name: "admin-token", Usage: "require this bearer token on /admin/* and the page's forms (default: none; see the README's Security section)", EnvVars: []string{"CPRTESTDATA_ADMIN_TOKEN"}},
			&cli.DurationFlag{Name: "shutdown-timeout", Value: sandbox.DefaultShutdownTimeout, Usage: "on SIGTERM or Ctrl-C, how long requests in flight may take to finish", EnvVars: []string{"CPRTESTDATA_SHUTDOWN_TIMEOUT"}},
			&cli.StringFlag{Name: "tls-cert", Usage: "PEM certificate for CPR Direkte over TLS and HTTPS (default: a self-signed one made at start)", EnvVars: []string{"CPRTESTDATA_TLS_CERT"}},
			&cli.StringFlag{Name: "tls-key", Usage: "PEM private key of --tls-cert", EnvVars: []string{"CPRTESTDATA_TLS_KEY"}},
			&cli.StringFlag{Name: "customers", Usage: "JSON file of CPR Direkte customers and users (default: customer 1234, user TESTUSER, password Test1234, any address)", EnvVars: []string{"CPRTESTDATA_CUSTOMERS"}},
			&cli.BoolFlag{Name: "weekdays", Usage: "publish change extracts on weekdays only, as CPR delivers: a weekend's changes come on Monday", EnvVars: []string{"CPRTESTDATA_WEEKDAYS"}},
			&cli.IntFlag{Name: "task", Value: extract.DefaultTask, Usage: "task number (OPGAVENR) of the extracts", EnvVars: []string{"CPRTESTDATA_TASK"}},
			&cli.StringFlag{Name: "framing", Value: "stream", Usage: "extract framing: stream, lf or crlf", EnvVars: []string{"CPRTESTDATA_FRAMING"}},
			&cli.StringFlag{Name: "records", Value: "all", Usage: "record types of the extracts: 001,002,003,...", EnvVars: []string{"CPRTESTDATA_RECORDS"}},
		),
		OnUsageError: onUsageError,
		Action:       serve,
	}
}

func serve(c *cli.Context) error {
	if c.Args().Present() {
		return usagef(c, "unexpected argument %q", c.Args().First())
	}
	gen, err := populationConfig(c)
	if err != nil {
		return err
	}
	cfg := sandbox.Config{Generator: gen, Weekdays: c.Bool("weekdays"), AdminToken: c.String("admin-token"),
		RequireClientCert: c.Bool("require-client-cert")}
	if cfg.RequireClientCert && c.String("https") == "" {
		return usagef(c, "--require-client-cert needs --https")
	}
	if strings.TrimSpace(cfg.AdminToken) != cfg.AdminToken || strings.ContainsAny(cfg.AdminToken, "\r\n") {
		return usagef(c, "--admin-token: no blanks or line breaks at its ends or in it")
	}
	drain := c.Duration("shutdown-timeout")
	if drain <= 0 {
		return usagef(c, "--shutdown-timeout %s: want a positive duration, for example 30s", drain)
	}
	interruptGrace.Store(int64(drain + 5*time.Second))
	eo := &cfg.Extract
	if eo.Task = c.Int("task"); eo.Task < 1 || eo.Task > 999999 {
		return usagef(c, "--task %d: want 1-999999", eo.Task)
	}
	if eo.Framing, err = extract.ParseFraming(c.String("framing")); err != nil {
		return usagef(c, "--framing: %v; want stream, lf or crlf", err)
	}
	if eo.Records, err = extract.ParseSelection(c.String("records")); err != nil {
		return usagef(c, "--records: %v", err)
	}
	if name := c.String("customers"); name != "" {
		f, err := openInput(c, name)
		if err != nil {
			return usagef(c, "--customers: %v", err)
		}
		cfg.Customers, err = sandbox.ParseCustomers(f)
		f.Close()
		if err != nil {
			return usagef(c, "--customers %s: %v", name, err)
		}
	}
	var cert tls.Certificate
	switch certFile, keyFile := c.String("tls-cert"), c.String("tls-key"); {
	case (certFile == "") != (keyFile == ""):
		return usagef(c, "--tls-cert and --tls-key go together")
	case certFile != "":
		if cert, err = tls.LoadX509KeyPair(certFile, keyFile); err != nil {
			return usagef(c, "--tls-cert, --tls-key: %v", err)
		}
	case c.String("direkte-tls") != "" || c.String("https") != "" || c.String("ftps") != "":
		if cert, err = direkte.SelfSigned("localhost", "127.0.0.1", "::1"); err != nil {
			return err
		}
	}
	var hostKeys []ssh.Signer
	if name := c.String("sftp-host-key"); name != "" {
		f, err := openInput(c, name)
		if err != nil {
			return usagef(c, "--sftp-host-key: %v", err)
		}
		pem, err := io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if err != nil {
			return usagef(c, "--sftp-host-key %s: %v", name, err)
		}
		k, err := sftpd.HostKeyFromPEM(pem)
		if err != nil {
			return usagef(c, "--sftp-host-key %s: %v", name, err)
		}
		hostKeys = append(hostKeys, k)
	}
	start := time.Now()
	var sb *sandbox.Sandbox
	if dir := c.String("dir"); dir != "" {
		for _, f := range []string{"persons", "seed", "as-of", "scenario", "safe-numbers"} {
			if c.IsSet(f) {
				return usagef(c, "--%s and --dir: the directory's manifest says which population it is", f)
			}
		}
		sb, err = sandbox.FromDir(c.Context, dir, cfg)
	} else {
		sb, err = sandbox.New(c.Context, cfg)
	}
	switch {
	case errors.Is(err, sandbox.ErrConfig), errors.Is(err, generator.ErrConfig):
		return usagef(c, "%v", err)
	case err != nil:
		return err
	}
	ln, err := net.Listen("tcp", c.String("http"))
	if err != nil {
		return usagef(c, "--http: %v", err)
	}
	defer ln.Close()
	var plain, secure, https, sftpLn, ftpsLn net.Listener
	if a := c.String("direkte"); a != "" {
		if plain, err = net.Listen("tcp", a); err != nil {
			return usagef(c, "--direkte: %v", err)
		}
		defer plain.Close()
	}
	if a := c.String("direkte-tls"); a != "" {
		l, err := net.Listen("tcp", a)
		if err != nil {
			return usagef(c, "--direkte-tls: %v", err)
		}
		secure = tls.NewListener(l, direkte.TLSConfig(cert))
		defer secure.Close()
	}
	if a := c.String("https"); a != "" {
		l, err := net.Listen("tcp", a)
		if err != nil {
			return usagef(c, "--https: %v", err)
		}
		tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, ClientAuth: tls.RequestClientCert}
		if cfg.RequireClientCert {
			tc.ClientAuth = tls.RequireAnyClientCert // the sandbox maps the certificate to a customer itself
		}
		https = tls.NewListener(l, tc)
		defer https.Close()
	}
	var sftpServer *sftpd.Server
	if a := c.String("sftp"); a != "" {
		if sftpLn, err = net.Listen("tcp", a); err != nil {
			return usagef(c, "--sftp: %v", err)
		}
		defer sftpLn.Close()
		if sftpServer, err = sftpd.NewServer(sb.SFTP(), hostKeys...); err != nil {
			return err
		}
	}
	var ftpsServer *ftpsd.Server
	if a := c.String("ftps"); a != "" {
		passive := c.String("ftps-passive")
		if passive != "" {
			var lo, hi int
			if n, err := fmt.Sscanf(passive, "%d-%d", &lo, &hi); n != 2 || err != nil || lo < 1024 || hi > 65535 || lo > hi || fmt.Sprintf("%d-%d", lo, hi) != passive {
				return usagef(c, "--ftps-passive %q: want LOW-HIGH, ports from 1024 to 65535, such as 2122-2131", passive)
			}
		}
		if ftpsLn, err = net.Listen("tcp", a); err != nil {
			return usagef(c, "--ftps: %v", err)
		}
		defer ftpsLn.Close()
		tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if ftpsServer, err = ftpsd.NewServer(sb.FTPS(), ftpsd.Config{TLS: tc, PassivePorts: passive}); err != nil {
			return err
		}
	}
	doors := sandbox.Doors{}
	if ftpsServer != nil {
		doors.FTPS = ftpsLn.Addr().String()
	}
	if https != nil {
		doors.HTTPS = https.Addr().String()
	}
	if sftpServer != nil {
		doors.SFTP, doors.SFTPHostKeys = sftpLn.Addr().String(), sftpServer.Fingerprints()
	}
	if plain != nil {
		doors.Direkte = plain.Addr().String()
	}
	if secure != nil {
		doors.DirekteTLS = secure.Addr().String()
	}
	sb.SetDoors(doors)
	// The whole line is written before any server answers: whoever waits for /healthz can read it.
	ready := fmt.Sprintf("testdata serve: %d persons as of %s, ready in %s; HTTP on %s",
		sb.Manifest().Made, sb.Start(), time.Since(start).Round(time.Millisecond), ln.Addr())
	if plain != nil {
		ready += fmt.Sprintf("; CPR Direkte on %s", plain.Addr())
	}
	if secure != nil {
		ready += fmt.Sprintf(", over TLS on %s", secure.Addr())
	}
	if https != nil {
		ready += fmt.Sprintf("; HTTPS (SF1520, SF6002) on %s", https.Addr())
	}
	if sftpServer != nil {
		ready += fmt.Sprintf("; SFTP on %s (%s)", sftpLn.Addr(), strings.Join(sftpServer.Fingerprints(), ", "))
	}
	if ftpsServer != nil {
		ready += fmt.Sprintf("; FTPS on %s", ftpsLn.Addr())
	}
	fmt.Fprintln(c.App.ErrWriter, ready)
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	run := func(i int, serve func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = serve(); errs[i] != nil {
				cancel() // one server failing stops the others
			}
		}()
	}
	run(0, func() error { return sandbox.Serve(ctx, ln, sandbox.NewHandler(sb), drain) })
	if plain != nil {
		run(1, func() error { return direkte.Serve(ctx, plain, sb, drain) })
	}
	if secure != nil {
		run(2, func() error { return direkte.Serve(ctx, secure, sb, drain) })
	}
	if https != nil {
		run(3, func() error { return sandbox.Serve(ctx, https, sandbox.NewHandler(sb), drain) })
	}
	if sftpServer != nil {
		run(4, func() error { return sftpServer.Serve(ctx, sftpLn, drain) })
	}
	if ftpsServer != nil {
		run(5, func() error { return ftpsServer.Serve(ctx, ftpsLn, drain) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
