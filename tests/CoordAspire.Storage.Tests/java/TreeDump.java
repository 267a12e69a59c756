/*
 * TreeDump — the Java-client side of the storage cross-format tests (CrossFormatTests.cs).
 *
 *   java -cp CLASSES:zookeeper.jar:... TreeDump CONNECT MODE
 *
 * MODE populate: writes a varied tree through the real Apache ZooKeeper 3.8 client (creates of every mode,
 *   setData, deletes, ACLs of several schemes, multi and a failing multi, ephemerals, null/empty/binary data,
 *   enough writes to make a server with a small snapCount take snapshots and roll its log), then dumps.
 * MODE touch: creates /afterzk, then dumps.
 * MODE dump: only dumps.
 *
 * The dump is one line per znode, parents first, children sorted:
 *   node PATH|czxid|mzxid|ctime|mtime|version|cversion|aversion|ephemeralOwner|dataLength|numChildren|pzxid|ACL|DATA
 * (zxids and owners in hex, ACL as perms:scheme:id joined with ',', DATA as hex or "null"), then
 *   session HEXID   (the populating session, which is left open: the process exits without closing it so that
 *                    its ephemerals are still there when the server is killed)
 */
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;

public class TreeDump {
    public static void main(String[] args) throws Exception {
        String connect = args[0];
        String mode = args[1];
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connect, 30000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(30, TimeUnit.SECONDS)) {
            System.err.println("could not connect to " + connect);
            System.exit(1);
        }
        // The super identity, when the server knows it (superDigest of "super:secret"), may read any node.
        zk.addAuthInfo("digest", "super:secret".getBytes(StandardCharsets.UTF_8));
        if (mode.equals("populate")) {
            populate(zk);
        } else if (mode.equals("touch")) {
            zk.create("/afterzk", "written by Apache ZooKeeper".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        }
        dump(zk, "/");
        System.out.println("session " + Long.toHexString(zk.getSessionId()));
        System.out.flush();
        // No zk.close(): the session and its ephemerals stay until the server is killed.
        Runtime.getRuntime().halt(0);
    }

    static void populate(ZooKeeper zk) throws Exception {
        List<ACL> open = ZooDefs.Ids.OPEN_ACL_UNSAFE;
        zk.addAuthInfo("digest", "alice:secret".getBytes(StandardCharsets.UTF_8));
        zk.create("/app", "hello".getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT);
        zk.create("/app/null", null, open, CreateMode.PERSISTENT);
        zk.create("/app/empty", new byte[0], open, CreateMode.PERSISTENT);
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        zk.create("/app/binary", binary, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 3; i++) {
            zk.create("/app/seq-", ("s" + i).getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT_SEQUENTIAL);
        }
        zk.delete("/app/seq-0000000005", -1);
        zk.setData("/app", "v2".getBytes(StandardCharsets.UTF_8), -1);
        zk.setData("/app", "v3".getBytes(StandardCharsets.UTF_8), 1);
        zk.setData("/app/empty", null, -1);
        zk.create("/secure", "creator".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
        zk.create("/readonly", "r".getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.READ_ACL_UNSAFE, CreateMode.PERSISTENT);
        List<ACL> mixed = new ArrayList<>();
        mixed.add(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.WRITE, new Id("ip", "127.0.0.1")));
        mixed.add(new ACL(ZooDefs.Perms.ALL, new Id("world", "anyone")));
        zk.create("/mixed", null, mixed, CreateMode.PERSISTENT);
        zk.setACL("/app/binary", Collections.singletonList(new ACL(ZooDefs.Perms.READ | ZooDefs.Perms.ADMIN, ZooDefs.Ids.ANYONE_ID_UNSAFE)), -1);
        zk.setACL("/app/binary", open, 1);
        zk.create("/app/eph", "mine".getBytes(StandardCharsets.UTF_8), open, CreateMode.EPHEMERAL);
        zk.create("/app/eseq-", null, open, CreateMode.EPHEMERAL_SEQUENTIAL);
        zk.create("/cont", null, open, CreateMode.CONTAINER);
        zk.create("/cont/child", "c".getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT);
        zk.create("/ttl", "t".getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT_WITH_TTL, null, 3_600_000L);
        zk.create("/ttl/child", null, open, CreateMode.PERSISTENT);
        zk.multi(Arrays.asList(
            Op.create("/m", "multi".getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT),
            Op.create("/m/a", null, mixed, CreateMode.PERSISTENT),
            Op.setData("/app", "v4".getBytes(StandardCharsets.UTF_8), -1),
            Op.check("/app", 3),
            Op.delete("/app/seq-0000000004", -1)));
        try {
            zk.multi(Arrays.asList(
                Op.create("/never", null, open, CreateMode.PERSISTENT),
                Op.delete("/does/not/exist", -1)));
        } catch (KeeperException expected) {
            // logged as an error multi: it takes a zxid and changes nothing
        }
        // Enough writes for a small snapCount to take several snapshots and roll the log meanwhile.
        zk.create("/bulk", null, open, CreateMode.PERSISTENT);
        for (int i = 0; i < 40; i++) {
            zk.create("/bulk/n" + i, ("value " + i).getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT);
            if (i % 3 == 0) {
                zk.setData("/bulk/n" + i, ("changed " + i).getBytes(StandardCharsets.UTF_8), -1);
            }
            if (i % 5 == 4) {
                zk.delete("/bulk/n" + (i - 2), -1);
            }
        }
        zk.create("/last", "end".getBytes(StandardCharsets.UTF_8), open, CreateMode.PERSISTENT);
    }

    static void dump(ZooKeeper zk, String path) throws Exception {
        Stat stat = new Stat();
        byte[] data = zk.getData(path, false, stat);
        List<ACL> acl = zk.getACL(path, new Stat());
        StringBuilder line = new StringBuilder("node ").append(path);
        line.append('|').append(Long.toHexString(stat.getCzxid()));
        line.append('|').append(Long.toHexString(stat.getMzxid()));
        line.append('|').append(stat.getCtime());
        line.append('|').append(stat.getMtime());
        line.append('|').append(stat.getVersion());
        line.append('|').append(stat.getCversion());
        line.append('|').append(stat.getAversion());
        line.append('|').append(Long.toHexString(stat.getEphemeralOwner()));
        line.append('|').append(stat.getDataLength());
        line.append('|').append(stat.getNumChildren());
        line.append('|').append(Long.toHexString(stat.getPzxid()));
        line.append('|');
        for (int i = 0; i < acl.size(); i++) {
            ACL a = acl.get(i);
            if (i > 0) {
                line.append(',');
            }
            line.append(a.getPerms()).append(':').append(a.getId().getScheme()).append(':').append(a.getId().getId());
        }
        line.append('|').append(data == null ? "null" : hex(data));
        System.out.println(line);
        List<String> children = new ArrayList<>(zk.getChildren(path, false));
        Collections.sort(children);
        for (String child : children) {
            dump(zk, path.equals("/") ? "/" + child : path + "/" + child);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }
}
