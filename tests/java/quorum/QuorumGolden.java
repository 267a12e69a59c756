import java.io.*;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.*;
import org.apache.jute.*;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.common.NetUtils;
import org.apache.zookeeper.data.*;
import org.apache.zookeeper.server.DataNode;
import org.apache.zookeeper.server.DataTree;
import org.apache.zookeeper.server.quorum.*;
import org.apache.zookeeper.server.quorum.flexible.QuorumMaj;
import org.apache.zookeeper.server.util.SerializeUtils;

/**
 * Golden bytes of the server-to-server protocol, made by Apache ZooKeeper 3.8's own classes (Debian's jars), for
 * CoordAspire's quorum codec tests (tests/CoordAspire.Quorum.Wire.Tests). Each packet is built with the very
 * expressions 3.8's Learner, LearnerHandler, Leader and QuorumCnxManager use (cited per line); FastLeaderElection.buildMsg
 * is called through reflection. Modes:
 *   packets            "name hex" per line
 *   snap-stream        hex of a SNAP packet, a snapshot body of a small tree and the signature, as LearnerHandler writes them
 *   read-snap HEX      reads such a stream as Learner.syncWithLeader does and prints what it got
 *   parse-handshake HEX  QuorumCnxManager.InitialMessage.parse of an election connection's first bytes
 */
public class QuorumGolden {
  static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte x : bytes) sb.append(String.format("%02x", x));
    return sb.toString();
  }

  static byte[] unhex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return b;
  }

  static String packet(QuorumPacket qp) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    BinaryOutputArchive.getArchive(b).writeRecord(qp, "packet");
    return hex(b.toByteArray());
  }

  static String record(org.apache.jute.Record r) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    BinaryOutputArchive.getArchive(b).writeRecord(r, "r");
    return hex(b.toByteArray());
  }

  /** Leader's packet type constants are package-private: read them as they are, so they are pinned too. */
  static int leader(String name) {
    try {
      java.lang.reflect.Field f = Leader.class.getDeclaredField(name);
      f.setAccessible(true);
      return f.getInt(null);
    } catch (ReflectiveOperationException e) {
      throw new RuntimeException(e);
    }
  }

  static long zxid(long epoch, long counter) { return (epoch << 32L) | (counter & 0xffffffffL); }

  static QuorumMaj config() throws Exception {
    Properties p = new Properties();
    p.setProperty("server.1", "127.0.0.1:2888:3888:participant");
    p.setProperty("server.2", "127.0.0.1:2889:3889:participant");
    p.setProperty("server.3", "127.0.0.1:2890:3890:participant;0.0.0.0:2181");
    p.setProperty("server.4", "[::1]:2891:3891:observer");
    p.setProperty("version", "100000000");
    return new QuorumMaj(p);
  }

  static void packets() throws Exception {
    PrintStream out = System.out;
    // Learner.registerWithLeader
    LearnerInfo li = new LearnerInfo(3, 0x10000, 0x100000000L);
    ByteArrayOutputStream bsid = new ByteArrayOutputStream();
    BinaryOutputArchive.getArchive(bsid).writeRecord(li, "LearnerInfo");
    out.println("LearnerInfo " + record(li));
    out.println("FollowerInfo " + packet(new QuorumPacket(leader("FOLLOWERINFO"), zxid(5, 0), bsid.toByteArray(), null)));
    ByteArrayOutputStream bsid4 = new ByteArrayOutputStream();
    BinaryOutputArchive.getArchive(bsid4).writeRecord(new LearnerInfo(4, 0x10000, 0), "LearnerInfo");
    out.println("ObserverInfo " + packet(new QuorumPacket(leader("OBSERVERINFO"), zxid(0, 0), bsid4.toByteArray(), null)));
    // LearnerHandler.run
    byte[] ver = new byte[4];
    ByteBuffer.wrap(ver).putInt(0x10000);
    out.println("LeaderInfo " + packet(new QuorumPacket(leader("LEADERINFO"), zxid(6, 0), ver, null)));
    // Learner.registerWithLeader
    byte[] epochBytes = new byte[4];
    ByteBuffer.wrap(epochBytes).putInt(5);
    out.println("AckEpoch " + packet(new QuorumPacket(leader("ACKEPOCH"), 0x500000007L, epochBytes, null)));
    byte[] minusOne = new byte[4];
    ByteBuffer.wrap(minusOne).putInt(-1);
    out.println("AckEpochAlreadyAccepted " + packet(new QuorumPacket(leader("ACKEPOCH"), 0x600000000L, minusOne, null)));
    // LearnerHandler.queueOpPacket / syncFollower
    out.println("Diff " + packet(new QuorumPacket(leader("DIFF"), 0x500000007L, null, null)));
    out.println("Trunc " + packet(new QuorumPacket(leader("TRUNC"), 0x500000003L, null, null)));
    out.println("SnapHeader " + packet(new QuorumPacket(leader("SNAP"), 0x500000009L, null, null)));
    // Leader.propose / commit / inform
    byte[] txn = new byte[] {1, 2, 3, 4, 5};
    out.println("Proposal " + packet(new QuorumPacket(leader("PROPOSAL"), 0x600000001L, txn, null)));
    List<Id> trace = Arrays.asList(new Id("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    out.println("ProposalTraced " + packet(new QuorumPacket(leader("PROPOSAL"), 0x600000001L, txn, trace)));
    out.println("Ack " + packet(new QuorumPacket(leader("ACK"), 0x600000001L, null, null)));
    out.println("Commit " + packet(new QuorumPacket(leader("COMMIT"), 0x600000001L, null, null)));
    out.println("Inform " + packet(new QuorumPacket(leader("INFORM"), 0x600000001L, txn, null)));
    // LearnerHandler.run: NEWLEADER with learnerMaster.getQuorumVerifierBytes()
    out.println("QuorumVerifier " + hex(config().toString().getBytes("UTF-8")));
    out.println("NewLeader " + packet(new QuorumPacket(leader("NEWLEADER"), zxid(6, 0), config().toString().getBytes("UTF-8"), null)));
    out.println("UpToDate " + packet(new QuorumPacket(leader("UPTODATE"), -1, null, null)));
    // LearnerHandler.ping, Learner.ping
    out.println("PingFromLeader " + packet(new QuorumPacket(leader("PING"), 0x600000004L, null, null)));
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream dos = new DataOutputStream(bos);
    dos.writeLong(0x100000000000001L); dos.writeInt(30000);
    dos.writeLong(0x100000000000002L); dos.writeInt(4000);
    out.println("PingFromLearner " + packet(new QuorumPacket(leader("PING"), 0x600000004L, bos.toByteArray(), null)));
    out.println("PingFromLearnerNoTouches " + packet(new QuorumPacket(leader("PING"), 0x600000004L, new ByteArrayOutputStream().toByteArray(), null)));
    // Learner.request
    ByteArrayOutputStream baos = new ByteArrayOutputStream();
    DataOutputStream oa = new DataOutputStream(baos);
    oa.writeLong(0x100000000000001L);
    oa.writeInt(7);
    oa.writeInt(ZooDefs.OpCode.create);
    oa.write(new byte[] {9, 8, 7});
    oa.close();
    List<Id> auth = Arrays.asList(new Id("ip", "127.0.0.1"), new Id("digest", "bob:abc="));
    out.println("Request " + packet(new QuorumPacket(leader("REQUEST"), -1, baos.toByteArray(), auth)));
    List<Id> authTraced = Arrays.asList(new Id("ip", "127.0.0.1"), new Id("digest", "bob:abc="), trace.get(0));
    out.println("RequestTraced " + packet(new QuorumPacket(leader("REQUEST"), -1, baos.toByteArray(), authTraced)));
    ByteArrayOutputStream sync = new ByteArrayOutputStream();
    DataOutputStream so = new DataOutputStream(sync);
    so.writeLong(0x100000000000001L); so.writeInt(8); so.writeInt(ZooDefs.OpCode.sync); so.close();
    out.println("RequestNoAuth " + packet(new QuorumPacket(leader("REQUEST"), -1, sync.toByteArray(), new ArrayList<Id>())));
    // Learner.validateSession, Leader.revalidateSession
    ByteArrayOutputStream rv = new ByteArrayOutputStream();
    DataOutputStream rvo = new DataOutputStream(rv);
    rvo.writeLong(0x100000000000001L); rvo.writeInt(30000); rvo.close();
    out.println("Revalidate " + packet(new QuorumPacket(leader("REVALIDATE"), -1, rv.toByteArray(), null)));
    ByteArrayOutputStream rr = new ByteArrayOutputStream();
    DataOutputStream rro = new DataOutputStream(rr);
    rro.writeLong(0x100000000000001L); rro.writeBoolean(true); rro.close();
    out.println("RevalidateReply " + packet(new QuorumPacket(leader("REVALIDATE"), -1, rr.toByteArray(), null)));
    // Leader.sendSync
    out.println("Sync " + packet(new QuorumPacket(leader("SYNC"), 0, null, null)));

    // FastLeaderElection.buildMsg (package-private static)
    Method build6 = FastLeaderElection.class.getDeclaredMethod("buildMsg", int.class, long.class, long.class, long.class, long.class, byte[].class);
    build6.setAccessible(true);
    ByteBuffer n = (ByteBuffer) build6.invoke(null, QuorumPeer.ServerState.LOOKING.ordinal(), 3L, 0x500000007L, 2L, 5L, config().toString().getBytes("UTF-8"));
    out.println("NotificationLooking " + hex(n.array()));
    n = (ByteBuffer) build6.invoke(null, QuorumPeer.ServerState.LEADING.ordinal(), 2L, 0x600000000L, 7L, 6L, new byte[0]);
    out.println("NotificationLeadingNoConfig " + hex(n.array()));
    Method build5 = FastLeaderElection.class.getDeclaredMethod("buildMsg", int.class, long.class, long.class, long.class, long.class);
    build5.setAccessible(true);
    n = (ByteBuffer) build5.invoke(null, QuorumPeer.ServerState.FOLLOWING.ordinal(), 2L, 0x600000000L, 7L, 6L);
    out.println("Notification40 " + hex(n.array()));

    // QuorumCnxManager.startConnection (PROTOCOL_VERSION_V1: multiAddress disabled)
    ByteArrayOutputStream hs = new ByteArrayOutputStream();
    DataOutputStream dout = new DataOutputStream(hs);
    dout.writeLong(QuorumCnxManager.PROTOCOL_VERSION_V1);
    dout.writeLong(3L);
    String addr = NetUtils.formatInetAddr(new InetSocketAddress("127.0.0.1", 3890));
    byte[] addr_bytes = addr.getBytes();
    dout.writeInt(addr_bytes.length);
    dout.write(addr_bytes);
    dout.flush();
    out.println("Handshake " + hex(hs.toByteArray()));
  }

  static DataTree sampleTree() throws Exception {
    DataTree dt = new DataTree();
    List<ACL> acl = new ArrayList<>(ZooDefs.Ids.OPEN_ACL_UNSAFE);
    acl.add(new ACL(ZooDefs.Perms.READ, new Id("digest", "bob:abc=")));
    dt.createNode("/a", "hello".getBytes("UTF-8"), ZooDefs.Ids.OPEN_ACL_UNSAFE, 0, 0, 0x500000001L, 1700000000000L);
    dt.createNode("/a/b", null, acl, 0, 0, 0x500000002L, 1700000000001L);
    dt.createNode("/a/e", new byte[0], ZooDefs.Ids.READ_ACL_UNSAFE, 0x100000000000001L, 1, 0x500000003L, 1700000000002L);
    dt.setData("/a", "world".getBytes("UTF-8"), 1, 0x500000004L, 1700000000003L);
    dt.lastProcessedZxid = 0x500000004L;
    return dt;
  }

  static void snapStream() throws Exception {
    DataTree dt = sampleTree();
    Map<Long, Integer> sessions = new HashMap<>();
    sessions.put(0x100000000000001L, 30000);
    // LearnerHandler.run, needSnap
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    BinaryOutputArchive oa = BinaryOutputArchive.getArchive(b);
    oa.writeRecord(new QuorumPacket(leader("SNAP"), dt.lastProcessedZxid, null, null), "packet");
    SerializeUtils.serializeSnapshot(dt, oa, sessions);
    oa.writeString("BenWasHere", "signature");
    System.out.println(hex(b.toByteArray()));
  }

  static void readSnap(String h) throws Exception {
    // Learner.syncWithLeader, SNAP case
    BinaryInputArchive ia = BinaryInputArchive.getArchive(new ByteArrayInputStream(unhex(h)));
    QuorumPacket qp = new QuorumPacket();
    ia.readRecord(qp, "packet");
    System.out.println("packet " + qp.getType() + " " + Long.toHexString(qp.getZxid()));
    DataTree dt = new DataTree();
    Map<Long, Integer> sessions = new TreeMap<>();
    SerializeUtils.deserializeSnapshot(dt, ia, sessions);
    System.out.println("signature " + ia.readString("signature"));
    for (Map.Entry<Long, Integer> s : sessions.entrySet()) System.out.println("session " + Long.toHexString(s.getKey()) + " " + s.getValue());
    TreeSet<String> paths = new TreeSet<>();
    collect(dt, "/", paths);
    for (String p : paths) {
      DataNode node = dt.getNode(p);
      StatPersisted s = node.stat;
      System.out.println("node " + p + "|" + (node.getData() == null ? "null" : hex(node.getData())) + "|" + acl(dt.getACL(node))
          + "|" + Long.toHexString(s.getCzxid()) + "|" + Long.toHexString(s.getMzxid()) + "|" + s.getCtime() + "|" + s.getMtime()
          + "|" + s.getVersion() + "|" + s.getCversion() + "|" + s.getAversion() + "|" + Long.toHexString(s.getEphemeralOwner())
          + "|" + Long.toHexString(s.getPzxid()));
    }
  }

  static String acl(List<ACL> acl) {
    StringBuilder sb = new StringBuilder();
    for (ACL a : acl) {
      if (sb.length() > 0) sb.append(',');
      sb.append(a.getPerms()).append(':').append(a.getId().getScheme()).append(':').append(a.getId().getId());
    }
    return sb.toString();
  }

  static void collect(DataTree dt, String path, Set<String> out) {
    out.add(path);
    DataNode node = dt.getNode(path);
    for (String child : node.getChildren()) collect(dt, path.equals("/") ? "/" + child : path + "/" + child, out);
  }

  static void parseHandshake(String h) throws Exception {
    DataInputStream din = new DataInputStream(new ByteArrayInputStream(unhex(h)));
    long protocolVersion = din.readLong();
    QuorumCnxManager.InitialMessage m = QuorumCnxManager.InitialMessage.parse(protocolVersion, din);
    System.out.println("sid " + m.sid);
    for (InetSocketAddress a : m.electionAddr) System.out.println("address " + a.getHostString() + ":" + a.getPort());
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "packets": packets(); break;
      case "snap-stream": snapStream(); break;
      case "read-snap": readSnap(args[1]); break;
      case "parse-handshake": parseHandshake(args[1]); break;
      default: throw new IllegalArgumentException(args[0]);
    }
  }
}
