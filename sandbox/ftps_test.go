package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/cprtestdata/cprtestdata/formats/extract"
	"github.com/cprtestdata/cprtestdata/generator"
	"github.com/cprtestdata/cprtestdata/generator/pnr"
	"github.com/cprtestdata/cprtestdata/sandbox/direkte"
	"github.com/cprtestdata/cprtestdata/sandbox/ftpsd"
)

func startFTPS(t *testing.T, sb *Sandbox) string {
	t.Helper()
	cert, err := direkte.SelfSigned("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ftpsd.NewServer(sb.FTPS(), ftpsd.Config{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("FTPS server: %v", err)
		}
	})
	return ln.Addr().String()
}

func dialFTPS(t *testing.T, addr, user, password string) *ftp.ServerConn {
	t.Helper()
	c, err := ftp.Dial(addr, ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true}), ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(user, password); err != nil {
		t.Fatalf("FTPS logon as %s: %v", user, err)
	}
	t.Cleanup(func() { c.Quit() })
	return c
}

// TestBatchCustomerOverFTPS is a batch customer of CPR's: it uploads an input file of subscriptions,
// deletions and a requisition over FTPS with explicit TLS, and after the next delivery fetches from ud/
// the extract with the subscribed persons (event A45), the requisitioned one, a 910 for each line that
// could not be carried out and a 997 for each deletion; it resumes a download and deletes the file, as
// CPR Broker's FTP provider does.
func TestBatchCustomerOverFTPS(t *testing.T) {
	ctx := context.Background()
	sb, err := New(ctx, Config{Generator: generator.Config{Persons: 1500, Seed: 8}, Customers: []CustomerConfig{
		{Number: 2000, Password: "Batch2000x"}, {Number: 3000, Password: "Batch3000x"}}})
	if err != nil {
		t.Fatal(err)
	}
	addr := startFTPS(t, sb)

	plain, err := ftp.Dial(addr, ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := plain.Login("2000", "Batch2000x"); err == nil || !strings.Contains(err.Error(), "AUTH TLS required") {
		t.Errorf("logon without TLS: %v, want a refusal that asks for AUTH TLS", err)
	}
	plain.Quit()
	if _, err := ftp.Dial(addr, ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true})); err != nil {
		t.Fatal(err)
	}
	bad, _ := ftp.Dial(addr, ftp.DialWithExplicitTLS(&tls.Config{InsecureSkipVerify: true}))
	if err := bad.Login("2000", "Batch3000x"); err == nil {
		t.Errorf("logon with another customer's password")
	}

	c := dialFTPS(t, addr, "2000", "Batch2000x")
	entries, err := c.List("/")
	if err != nil || len(entries) != 2 || entries[0].Name != "ud" || entries[1].Name != "ind" {
		t.Fatalf("the login directory: %v %v", entries, err)
	}
	p := sb.persons
	a, b, d := p[10].Number.String(), p[20].Number.String(), p[30].Number.String()
	key := "MINNOEGLE123456"
	lines := []string{
		fmt.Sprintf("06200000OP%s%s%45s", a, key, ""),
		fmt.Sprintf("06200000OP%s%15s%45s", b, "", ""),
		fmt.Sprintf("06200000SL%s%15s%45s", d, "", ""),                    // not subscribed: 910
		fmt.Sprintf("06300000OP%s%15s%45s", a, "", ""),                    // another customer's number: 910
		fmt.Sprintf("07900001%s%15s", d, ""),                              // a requisition
		"99 ukendt",                                                       // unknown key: 910
		fmt.Sprintf("06200000OP0101010000%15s%45s", "", ""),               // not a personnummer: 910
		fmt.Sprintf("06200000OP%s%15s%45s", unknownNumber(t, sb), "", ""), // not in CPR: 910
	}
	input := strings.Join(lines, "\r\n") + "\r\n"
	for _, tt := range []struct{ path, want string }{
		{"/ind/input.txt", "d<yymmdd>.i<job>"},
		{"/ud/d260102.i900001", "permission denied"},
		{"/../ind/../../etc/d260102.i900001", "permission denied"},
	} {
		if err := c.Stor(tt.path, strings.NewReader(input)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("upload %s: %v, want %q", tt.path, err, tt.want)
		}
	}
	if err := c.Stor("/ind/d260102.i900002", io.LimitReader(zeros{}, ftpsd.MaxUpload+1<<20)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("an upload of 17 MB: %v", err)
	}
	if err := c.Stor("ind/d260102.i900001", strings.NewReader(input)); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(ctx, 1); err != nil {
		t.Fatal(err)
	}

	ud, err := c.List("ud")
	if err != nil || len(ud) != 1 {
		t.Fatalf("ud/ after the delivery: %v %v", ud, err)
	}
	if other, _ := dialFTPS(t, addr, "3000", "Batch3000x").List("ud"); len(other) != 0 {
		t.Errorf("customer 3000 sees %v", other)
	}
	r, err := c.Retr("ud/" + ud[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(r)
	r.Close()
	if len(data) == 0 || uint64(len(data)) != ud[0].Size {
		t.Fatalf("downloaded %d bytes of %d", len(data), ud[0].Size)
	}
	r, err = c.RetrFrom("ud/"+ud[0].Name, uint64(len(data)/2))
	if err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(rest, data[len(data)/2:]) {
		t.Errorf("resumed download: %d bytes, want %d", len(rest), len(data)-len(data)/2)
	}

	var persons, errs []string
	events := map[string]string{}
	rd := extract.NewReader(bytes.NewReader(data))
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch rec.Type() {
		case "001":
			persons = append(persons, rec.Get("PNR"))
		case "099":
			events[rec.Get("PNR")] = rec.Get("Event_")
		case "910":
			errs = append(errs, rec.Get("ErrorNumber"))
		}
	}
	slices.Sort(persons)
	want := []string{a, b, d}
	slices.Sort(want)
	if !slices.Equal(persons, want) {
		t.Errorf("persons %v, want the two subscribed and the requisitioned %v", persons, want)
	}
	if events[a] != "A45" || events[b] != "A45" || events[d] != "" {
		t.Errorf("events %v: want A45 for the new subscriptions, none for the requisition", events)
	}
	if got := strings.Join(errs, ","); got != "0007,0003,0001,0004,0005" {
		t.Errorf("910 error numbers %s, want 0007,0003,0001,0004,0005", got)
	}
	if got := sb.Subscriptions(2000); len(got) != 2 {
		t.Errorf("subscriptions %v", got)
	}

	if err := c.Delete("ud/" + ud[0].Name); err != nil {
		t.Fatal(err)
	}
	if ud, _ := c.List("ud"); len(ud) != 0 {
		t.Errorf("ud/ after delete: %v", ud)
	}
	if err := c.Delete("ud/" + ud[0].Name); err == nil {
		t.Errorf("second delete succeeded")
	}

	// A deletion is answered with a 997 receipt echoing the key.
	if err := c.Stor("ind/d260103.i900001", strings.NewReader(fmt.Sprintf("06200000SL%s%s%45s\r\n", a, key, ""))); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(ctx, 1); err != nil {
		t.Fatal(err)
	}
	ud, _ = c.List("ud")
	r, err = c.Retr("ud/" + ud[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = io.ReadAll(r)
	r.Close()
	if !bytes.Contains(data, []byte("997"+a)) || !bytes.Contains(data, []byte("A45"+key)) {
		t.Errorf("no 997 receipt for %s with key %s in %q", a, key, data)
	}
	if got := sb.Subscriptions(2000); len(got) != 1 {
		t.Errorf("subscriptions after the deletion: %v", got)
	}
	journal, _ := sb.Journal()
	var ops []string
	for _, e := range journal {
		if e.Protocol == "ftps" {
			ops = append(ops, e.Request+" "+e.Result)
		}
	}
	joined := strings.Join(ops, "\n")
	for _, w := range []string{"2000 logon password refused", "2000 put /ind/d260102.i900001", "2000 delete /ud/"} {
		if !strings.Contains(joined, w) {
			t.Errorf("journal lacks %q:\n%s", w, joined)
		}
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// unknownNumber returns a valid personnummer no one in the sandbox holds.
func unknownNumber(t *testing.T, sb *Sandbox) string {
	t.Helper()
	for seq := 1; seq < 10000; seq++ {
		v := fmt.Sprintf("010101%04d", seq)
		if n, err := pnr.Parse(v); err == nil {
			if _, ok := sb.Person(n); !ok {
				return v
			}
		}
	}
	t.Fatal("no unknown number")
	return ""
}

// TestAreaCustomer: a customer with municipalities gets its area's series - the status extract as of
// the start, then a change extract each delivery day - and a receiver that keeps the area holds, after
// applying it, exactly the persons living in the area today, each as the sandbox has them.
func TestAreaCustomer(t *testing.T) {
	ctx := context.Background()
	sb, err := New(ctx, Config{Generator: generator.Config{Persons: 6000, Seed: 4}, Weekdays: true, Customers: []CustomerConfig{
		{Number: 101, Password: "Kbh00101x", Municipalities: []int{101, 147}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Advance(ctx, 45); err != nil {
		t.Fatal(err)
	}
	files, _ := sb.Deliveries(101)
	if len(files) < 30 || files[0].Kind != "status" {
		t.Fatalf("%d extracts, the first %s", len(files), files[0].Kind)
	}
	area := extract.Area{101: true, 147: true}
	rc := extract.NewReceiver()
	rc.KeepArea(area)
	for _, f := range files {
		if err := rc.Apply(bytes.NewReader(f.Data())); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
	var want []string
	for _, p := range sb.persons {
		if area.Lives(p) {
			want = append(want, p.Number.String())
		}
	}
	got := slices.Clone(rc.Numbers())
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || len(want) < 300 {
		t.Fatalf("the receiver holds %d persons, %d live in the area", len(got), len(want))
	}
	for _, n := range want[:50] {
		p, _ := sb.Person(mustParse(t, n))
		var lines []string
		extract.NewEncoder(extract.Selection{"001": true, "002": true, "008": true}).Encode(p, func(_ *extract.Layout, line []byte) error {
			lines = append(lines, latin1Text(line))
			return nil
		})
		var held []string
		for _, r := range rc.Records(n) {
			if r.Type() == "001" || r.Type() == "002" || r.Type() == "008" {
				held = append(held, strings.Join(r.Values, ""))
			}
		}
		if strings.Join(held, "\n") != strings.TrimRight(strings.Join(lines, "\n"), "\n") {
			t.Errorf("%s: held\n%s\nthe sandbox today\n%s", n, strings.Join(held, "\n"), strings.Join(lines, "\n"))
		}
	}
}
