// Command bench-sftp measures the sandbox's SFTP server against OpenSSH on the same machine, in one run:
// the time to download one file with OpenSSH's sftp client from sandbox/sftpd and from OpenSSH's sshd
// with its sftp-server (the yardstick), alternating, and the server's memory with 1 and with 200
// sessions downloading at once. scripts/bench-sftp.sh runs it; it prints ratios.
//
//	go run ./scripts/bench-sftp -file FILE [-runs 5] [-sessions 200]
//
// It needs /usr/sbin/sshd and /usr/lib/openssh/sftp-server (Debian's openssh-server and
// openssh-sftp-server) and runs sshd itself on a loopback port with a configuration of its own.
package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/cprtestdata/cprtestdata/sandbox/sftpd"
)

func main() {
	file := flag.String("file", "", "the file to download")
	runs := flag.Int("runs", 5, "downloads from each server")
	sessions := flag.Int("sessions", 200, "concurrent sessions for the memory figure")
	serve := flag.String("serve", "", "internal: serve -file over SFTP and write the address to this file")
	key := flag.String("key", "", "internal: the authorized key of the served user")
	flag.Parse()
	if *file == "" {
		fmt.Fprintln(os.Stderr, "bench-sftp: -file is required")
		os.Exit(2)
	}
	var err error
	if *serve != "" {
		err = serveFile(*file, *serve, *key)
	} else {
		err = bench(*file, *runs, *sessions)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench-sftp:", err)
		os.Exit(1)
	}
}

// backend serves one file in IN to one user with one key.
type backend struct {
	file sftpd.File
	key  ssh.PublicKey
}

func (b *backend) Password(string, string, netip.Addr) bool { return false }
func (b *backend) PublicKey(user string, k ssh.PublicKey, _ netip.Addr) bool {
	return user == "bench" && string(k.Marshal()) == string(b.key.Marshal())
}
func (b *backend) Dirs() []string { return []string{"IN"} }
func (b *backend) List(_, dir string) []sftpd.File {
	if dir == "IN" {
		return []sftpd.File{b.file}
	}
	return nil
}
func (b *backend) Remove(string, string, string) bool                    { return false }
func (b *backend) Log(string, netip.Addr, string, string, time.Duration) {}

func serveFile(file, addrFile, authorized string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	k, _, _, _, err := ssh.ParseAuthorizedKey([]byte(authorized))
	if err != nil {
		return err
	}
	srv, err := sftpd.NewServer(&backend{file: sftpd.File{Name: filepath.Base(file), Modified: time.Now(), Data: data}, key: k})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	if err := os.WriteFile(addrFile, []byte(ln.Addr().String()), 0o644); err != nil {
		return err
	}
	return srv.Serve(context.Background(), ln, time.Second)
}

func bench(file string, runs, sessions int) error {
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "bench-sftp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	abs, _ := filepath.Abs(file)

	// The client's key, for both servers.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(priv, "bench")
	if err != nil {
		return err
	}
	keyFile := filepath.Join(work, "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	signer, _ := ssh.NewSignerFromKey(priv)
	authorized := string(ssh.MarshalAuthorizedKey(signer.PublicKey()))

	// The sandbox's server, in a process of its own as sshd is.
	self, _ := os.Executable()
	addrFile := filepath.Join(work, "addr")
	ours := exec.Command(self, "-file", abs, "-serve", addrFile, "-key", authorized)
	ours.Stderr = os.Stderr
	if err := ours.Start(); err != nil {
		return err
	}
	defer ours.Process.Kill()
	oursAddr, err := waitFile(addrFile)
	if err != nil {
		return err
	}

	// OpenSSH's sshd with sftp-server, on a loopback port, configured here.
	sshdAddr, stopSSHD, err := startSSHD(work, authorized)
	if err != nil {
		return err
	}
	defer stopSSHD()
	user := os.Getenv("USER")
	if user == "" {
		user = "root"
	}

	var oursT, theirsT []time.Duration
	for run := 1; run <= runs; run++ {
		t1, err := download(keyFile, oursAddr, "bench", "/IN/"+filepath.Base(file))
		if err != nil {
			return fmt.Errorf("sandbox/sftpd: %w", err)
		}
		t2, err := download(keyFile, sshdAddr, user, abs)
		if err != nil {
			return fmt.Errorf("OpenSSH: %w", err)
		}
		oursT, theirsT = append(oursT, t1), append(theirsT, t2)
		fmt.Printf("run %d: %d MB: sandbox/sftpd %.2f s, OpenSSH sshd+sftp-server %.2f s: ratio %.2f\n", run, st.Size()>>20,
			t1.Seconds(), t2.Seconds(), t1.Seconds()/t2.Seconds())
	}
	mo, mt := median(oursT), median(theirsT)
	fmt.Printf("download of %d MB, median of %d: sandbox/sftpd %.2f s, OpenSSH %.2f s: ratio %.2f (goal <= 2)\n",
		st.Size()>>20, runs, mo.Seconds(), mt.Seconds(), mo.Seconds()/mt.Seconds())

	// Memory: the server's resident set idle, with one session downloading, and with many at once.
	idle := rss(ours.Process.Pid)
	one, err := concurrent(signer, oursAddr, filepath.Base(file), 1, ours.Process.Pid)
	if err != nil {
		return err
	}
	many, err := concurrent(signer, oursAddr, filepath.Base(file), sessions, ours.Process.Pid)
	if err != nil {
		return err
	}
	fmt.Printf("server memory (RSS high-water mark while downloading): idle %d MB (the file is held in memory), 1 session %d MB, %d sessions %d MB: %.0f KB a session, ratio %.2f to one\n",
		idle>>10, one>>10, sessions, many>>10, float64(many-one)/float64(sessions-1), float64(many)/float64(one))
	return nil
}

func waitFile(name string) (string, error) {
	for range 200 {
		if b, err := os.ReadFile(name); err == nil && len(b) > 0 {
			return string(b), nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return "", fmt.Errorf("%s did not appear", name)
}

func startSSHD(work, authorized string) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	hostKey := filepath.Join(work, "ssh_host_ed25519_key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey).CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("ssh-keygen: %v: %s", err, out)
	}
	keys := filepath.Join(work, "authorized_keys")
	if err := os.WriteFile(keys, []byte(authorized), 0o600); err != nil {
		return "", nil, err
	}
	conf := filepath.Join(work, "sshd_config")
	cfg := strings.Join([]string{"Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey, "AuthorizedKeysFile " + keys,
		"PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "PermitRootLogin prohibit-password",
		"PidFile " + filepath.Join(work, "sshd.pid"), "Subsystem sftp /usr/lib/openssh/sftp-server", "LogLevel ERROR"}, "\n") + "\n"
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		return "", nil, err
	}
	os.MkdirAll("/run/sshd", 0o755) // sshd's privilege separation directory
	cmd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", conf)
	var log strings.Builder // shown when sshd does not come up; the readiness probe makes it say a line
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	for range 200 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return addr, func() { cmd.Process.Kill(); cmd.Wait() }, nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	cmd.Process.Kill()
	return "", nil, fmt.Errorf("sshd did not listen on %s: %s", addr, log.String())
}

// download fetches remote with OpenSSH's sftp client into /dev/null and returns the time it took.
func download(keyFile, addr, user, remote string) (time.Duration, error) {
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("sftp", "-q", "-i", keyFile, "-P", port, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-b", "-", user+"@"+host)
	cmd.Stdin = strings.NewReader("get " + remote + " /dev/null\n")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("sftp: %v: %s", err, out.String())
	}
	return time.Since(start), nil
}

// concurrent downloads the file in n sessions at once, and returns the server's peak RSS (KB) meanwhile.
func concurrent(signer ssh.Signer, addr, name string, n, pid int) (int, error) {
	resetPeak(pid)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	ready := make(chan struct{})
	for range n {
		wg.Go(func() {
			c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: "bench", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
				HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second})
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			sc, err := sftp.NewClient(c)
			if err != nil {
				errs <- err
				return
			}
			defer sc.Close()
			<-ready
			f, err := sc.Open("/IN/" + name)
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			if _, err := io.Copy(io.Discard, bufio.NewReaderSize(f, 1<<20)); err != nil {
				errs <- err
			}
		})
	}
	time.Sleep(time.Duration(n) * 5 * time.Millisecond) // the sessions are set up
	close(ready)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return 0, err
	}
	return peak(pid), nil
}

func rss(pid int) int { return status(pid, "VmRSS:") }

func peak(pid int) int { return status(pid, "VmHWM:") }

// resetPeak sets the high-water mark back to the current RSS (Linux 4.0 and later).
func resetPeak(pid int) { os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0o200) }

func status(pid int, field string) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
