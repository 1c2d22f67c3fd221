#include "bus/amqp/amqp_connection.hpp"

#include "bus/amqp/tls_failure_reason.hpp"
#include "core/errors.hpp"

#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <fmt/format.h>
#include <sys/time.h>

#include <cstring>
#include <vector>

namespace domainscan::bus::amqp {
namespace {

// Declares and passive checks run on a channel of their own: a failed declare closes its
// channel (AMQP's rule), and channel 1 carries the confirms and the consumer.
constexpr amqp_channel_t kTopologyChannel = 2;

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

std::string bytes_to_string(amqp_bytes_t b) { return {static_cast<const char*>(b.bytes), b.len}; }

amqp_bytes_t as_bytes(const std::string& s) { return amqp_bytes_t{s.size(), const_cast<char*>(s.data())}; }

// An amqp_table_t that points into `headers`: valid while both live.
class Table {
 public:
  explicit Table(const Headers& headers) {
    entries_.reserve(headers.size());
    for (const auto& [key, value] : headers) {
      amqp_table_entry_t e{};
      e.key = as_bytes(key);
      if (const auto* i = std::get_if<std::int64_t>(&value)) {
        e.value.kind = AMQP_FIELD_KIND_I64;
        e.value.value.i64 = *i;
      } else {
        e.value.kind = AMQP_FIELD_KIND_UTF8;
        e.value.value.bytes = as_bytes(std::get<std::string>(value));
      }
      entries_.push_back(e);
    }
  }
  amqp_table_t get() { return amqp_table_t{static_cast<int>(entries_.size()), entries_.data()}; }

 private:
  std::vector<amqp_table_entry_t> entries_;
};

Headers headers_from(const amqp_table_t& table) {
  Headers out;
  for (int i = 0; i < table.num_entries; ++i) {
    const auto& e = table.entries[i];
    const auto key = bytes_to_string(e.key);
    const auto& v = e.value;
    switch (v.kind) {
      case AMQP_FIELD_KIND_I8: out[key] = std::int64_t{v.value.i8}; break;
      case AMQP_FIELD_KIND_U8: out[key] = std::int64_t{v.value.u8}; break;
      case AMQP_FIELD_KIND_I16: out[key] = std::int64_t{v.value.i16}; break;
      case AMQP_FIELD_KIND_U16: out[key] = std::int64_t{v.value.u16}; break;
      case AMQP_FIELD_KIND_I32: out[key] = std::int64_t{v.value.i32}; break;
      case AMQP_FIELD_KIND_U32: out[key] = std::int64_t{v.value.u32}; break;
      case AMQP_FIELD_KIND_I64: out[key] = v.value.i64; break;
      case AMQP_FIELD_KIND_U64: out[key] = static_cast<std::int64_t>(v.value.u64); break;
      case AMQP_FIELD_KIND_UTF8:
      case AMQP_FIELD_KIND_BYTES: out[key] = bytes_to_string(v.value.bytes); break;
      default: break;  // kinds we never send
    }
  }
  return out;
}

// A delivered message's memory, freed however the caller leaves.
class Envelope {
 public:
  Envelope() = default;
  ~Envelope() {
    if (filled_) amqp_destroy_envelope(&envelope_);
  }
  Envelope(const Envelope&) = delete;
  Envelope& operator=(const Envelope&) = delete;
  amqp_envelope_t& get() { return envelope_; }
  void filled() { filled_ = true; }

 private:
  amqp_envelope_t envelope_{};
  bool filled_ = false;
};

std::string describe(amqp_rpc_reply_t reply);

// The topology channel for one operation: opened by the constructor, closed by the
// destructor unless the broker closed it (a refused declare), which was then answered.
class TopologyChannel {
 public:
  explicit TopologyChannel(amqp_connection_state_t state) : state_(state) {
    amqp_channel_open(state_, kTopologyChannel);
    const auto reply = amqp_get_rpc_reply(state_);
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) throw AmqpError("opening the topology channel: " + describe(reply));
  }
  ~TopologyChannel() {
    if (open_) amqp_channel_close(state_, kTopologyChannel, AMQP_REPLY_SUCCESS);
  }
  TopologyChannel(const TopologyChannel&) = delete;
  TopologyChannel& operator=(const TopologyChannel&) = delete;

  // The reply to the operation just sent: true if it succeeded; false if the broker refused
  // it and closed the channel (`error` says why); throws if the connection failed.
  bool succeeded(std::string* error) {
    const auto reply = amqp_get_rpc_reply(state_);
    if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION && reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      if (error) *error = describe(reply);
      amqp_channel_close_ok_t close_ok{};
      amqp_send_method(state_, kTopologyChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
      open_ = false;
      return false;
    }
    if (reply.reply_type != AMQP_RESPONSE_NORMAL) {
      open_ = false;
      throw AmqpError(describe(reply));
    }
    return true;
  }

 private:
  amqp_connection_state_t state_;
  bool open_ = true;
};

std::string describe(amqp_rpc_reply_t reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL: return "ok";
    case AMQP_RESPONSE_NONE: return "no reply";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION: return amqp_error_string2(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* m = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
        return fmt::format("connection closed by the broker: {} {}", m->reply_code, bytes_to_string(m->reply_text));
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* m = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
        return fmt::format("channel closed by the broker: {} {}", m->reply_code, bytes_to_string(m->reply_text));
      }
      return fmt::format("unexpected method 0x{:08x} from the broker", reply.reply.id);
  }
  return "unknown reply";
}

}  // namespace

std::string AmqpUrl::to_string() const {
  return fmt::format("{}://{}@{}:{}/{}", tls ? "amqps" : "amqp", user, host, port, vhost == "/" ? "" : vhost);
}

AmqpUrl parse_amqp_url(const std::string& url) {
  // rabbitmq-c fills in "localhost" for a missing host; a broker URL must name one.
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end + 3 >= url.size() || url[scheme_end + 3] == '/') {
    throw ValidationError("invalid_setting", fmt::format("'{}' is not an amqp:// or amqps:// URL with a host", url));
  }
  std::vector<char> buffer(url.begin(), url.end());
  buffer.push_back('\0');
  amqp_connection_info info{};
  amqp_default_connection_info(&info);
  if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.host == nullptr || *info.host == '\0') {
    throw ValidationError("invalid_setting", fmt::format("'{}' is not an amqp:// or amqps:// URL", url));
  }
  AmqpUrl out;
  out.host = info.host;
  out.port = info.port;
  out.user = info.user ? info.user : "guest";
  out.password = info.password ? info.password : "guest";
  // "amqp://host/" names the empty vhost, which RabbitMQ does not have; like most clients,
  // take it as the default vhost "/".
  out.vhost = (info.vhost && *info.vhost) ? info.vhost : "/";
  out.tls = info.ssl != 0;
  return out;
}

AmqpConnection::AmqpConnection(const AmqpUrl& url, const ConnectionOptions& options)
    : state_(amqp_new_connection()) {
  if (state_ == nullptr) throw AmqpError("cannot allocate an AMQP connection");
  try {
    amqp_socket_t* socket = nullptr;
    std::optional<TlsFailureReason> tls_failure;
    if (url.tls) {
      socket = amqp_ssl_socket_new(state_);
      if (socket == nullptr) throw AmqpError("cannot create a TLS socket");
      amqp_ssl_socket_set_verify_peer(socket, 1);
      amqp_ssl_socket_set_verify_hostname(socket, 1);
      const std::string ca = options.ca_file.value_or("/etc/ssl/certs/ca-certificates.crt");
      if (amqp_ssl_socket_set_cacert(socket, ca.c_str()) != AMQP_STATUS_OK) {
        throw AmqpError("cannot load the CA file " + ca);
      }
      tls_failure.emplace(socket);
    } else {
      socket = amqp_tcp_socket_new(state_);
      if (socket == nullptr) throw AmqpError("cannot create a socket");
    }
    auto connect_tv = to_timeval(options.connect_timeout);
    if (const int rc = amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &connect_tv); rc != AMQP_STATUS_OK) {
      std::string reason = amqp_error_string2(rc);
      if (tls_failure) {
        if (const auto why = tls_failure->describe(); !why.empty()) reason += " (" + why + ")";
      }
      throw AmqpError(fmt::format("cannot connect to {}: {}", url.to_string(), reason));
    }
    auto rpc_tv = to_timeval(options.rpc_timeout);
    amqp_set_handshake_timeout(state_, &rpc_tv);
    amqp_set_rpc_timeout(state_, &rpc_tv);
    check_reply(amqp_login(state_, url.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE,
                           static_cast<int>(options.heartbeat.count()), AMQP_SASL_METHOD_PLAIN, url.user.c_str(),
                           url.password.c_str()),
                "login");
    open_channel();
  } catch (...) {
    amqp_destroy_connection(state_);
    throw;
  }
}

AmqpConnection::~AmqpConnection() {
  // A polite close when the connection still works; after an error (or a broker that went
  // away) these fail fast or time out at the RPC timeout, and the socket is freed anyway.
  amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(state_);
}

void AmqpConnection::check_reply(amqp_rpc_reply_t reply, const char* what) {
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return;
  throw AmqpError(fmt::format("{}: {}", what, describe(reply)));
}

void AmqpConnection::open_channel() {
  amqp_channel_open(state_, kChannel);
  check_reply(amqp_get_rpc_reply(state_), "opening a channel");
}

void AmqpConnection::enable_confirms() {
  amqp_confirm_select(state_, kChannel);
  check_reply(amqp_get_rpc_reply(state_), "enabling publisher confirms");
  confirms_ = true;
  next_tag_ = 1;
}

std::uint64_t AmqpConnection::publish(const std::string& exchange, const std::string& routing_key,
                                      const std::string& body, const Headers& headers) {
  Table table(headers);
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_HEADERS_FLAG;
  props.content_type = amqp_cstring_bytes("application/json");
  props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  props.headers = table.get();
  const int rc = amqp_basic_publish(state_, kChannel, as_bytes(exchange), as_bytes(routing_key), 0, 0, &props,
                                    as_bytes(body));
  if (rc != AMQP_STATUS_OK) throw AmqpError(fmt::format("publish: {}", amqp_error_string2(rc)));
  return confirms_ ? next_tag_++ : 0;
}

// Runs `declare` on a topology channel of its own; false if the broker refused it.
template <class Declare>
static bool on_topology_channel(amqp_connection_state_t state, Declare declare, std::string* error) {
  TopologyChannel channel(state);
  declare();
  return channel.succeeded(error);
}

void AmqpConnection::declare_exchange(const std::string& name, const std::string& type) {
  std::string error;
  const bool ok = on_topology_channel(
      state_,
      [&] {
        amqp_exchange_declare(state_, kTopologyChannel, as_bytes(name), as_bytes(type), 0, 1 /* durable */, 0, 0,
                              amqp_empty_table);
      },
      &error);
  if (!ok) throw AmqpError(fmt::format("declaring the exchange {}: {}", name, error));
}

bool AmqpConnection::declare_queue_if_missing(const std::string& name, const Headers& arguments) {
  const bool exists = on_topology_channel(
      state_, [&] { amqp_queue_declare(state_, kTopologyChannel, as_bytes(name), 1 /* passive */, 0, 0, 0,
                                       amqp_empty_table); },
      nullptr);
  if (exists) return false;
  Table table(arguments);
  return on_topology_channel(
      state_,
      [&] {
        amqp_queue_declare(state_, kTopologyChannel, as_bytes(name), 0, 1 /* durable */, 0, 0, table.get());
      },
      nullptr);
}

void AmqpConnection::bind_queue(const std::string& queue, const std::string& exchange, const std::string& routing_key) {
  std::string error;
  const bool ok = on_topology_channel(
      state_,
      [&] {
        amqp_queue_bind(state_, kTopologyChannel, as_bytes(queue), as_bytes(exchange), as_bytes(routing_key),
                        amqp_empty_table);
      },
      &error);
  if (!ok) throw AmqpError(fmt::format("binding {} to {}: {}", queue, exchange, error));
}

std::uint64_t AmqpConnection::queue_depth(const std::string& queue) {
  std::uint64_t count = 0;
  std::string error;
  const bool ok = on_topology_channel(
      state_,
      [&] {
        if (auto* r = amqp_queue_declare(state_, kTopologyChannel, as_bytes(queue), 1, 0, 0, 0, amqp_empty_table)) {
          count = r->message_count;
        }
      },
      &error);
  if (!ok) throw AmqpError(fmt::format("queue {}: {}", queue, error));
  return count;
}

void AmqpConnection::set_prefetch(std::uint16_t count) {
  amqp_basic_qos(state_, kChannel, 0, count, 0);
  check_reply(amqp_get_rpc_reply(state_), "setting the prefetch");
}

void AmqpConnection::start_consuming(const std::string& queue) {
  amqp_basic_consume(state_, kChannel, as_bytes(queue), amqp_empty_bytes, 0, 0 /* manual ack */, 0, amqp_empty_table);
  check_reply(amqp_get_rpc_reply(state_), "starting to consume");
}

std::optional<Delivery> AmqpConnection::consume_one(std::chrono::milliseconds timeout) {
  amqp_maybe_release_buffers(state_);
  Envelope envelope;
  auto tv = to_timeval(timeout);
  const auto reply = amqp_consume_message(state_, &envelope.get(), &tv, 0);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
    envelope.filled();
    const auto& e = envelope.get();
    Delivery d;
    d.delivery_tag = e.delivery_tag;
    d.exchange = bytes_to_string(e.exchange);
    d.routing_key = bytes_to_string(e.routing_key);
    d.body = bytes_to_string(e.message.body);
    d.redelivered = e.redelivered != 0;
    if (e.message.properties._flags & AMQP_BASIC_HEADERS_FLAG) d.headers = headers_from(e.message.properties.headers);
    return d;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) {
    return std::nullopt;
  }
  if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    // A frame other than a delivery is waiting: read it. A close ends this connection; a
    // cancel from the broker (the queue was deleted) too, so that the owner declares again.
    amqp_frame_t frame{};
    if (amqp_simple_wait_frame(state_, &frame) != AMQP_STATUS_OK) throw AmqpError("reading a frame failed");
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      switch (frame.payload.method.id) {
        case AMQP_CHANNEL_CLOSE_METHOD:
        case AMQP_CONNECTION_CLOSE_METHOD:
        case AMQP_BASIC_CANCEL_METHOD:
          throw AmqpError(fmt::format("the broker ended the consumer (method 0x{:08x})", frame.payload.method.id));
        default: break;
      }
    }
    return std::nullopt;
  }
  throw AmqpError("consume: " + describe(reply));
}

void AmqpConnection::ack(std::uint64_t delivery_tag, bool multiple) {
  if (const int rc = amqp_basic_ack(state_, kChannel, delivery_tag, multiple ? 1 : 0); rc != AMQP_STATUS_OK) {
    throw AmqpError(fmt::format("ack: {}", amqp_error_string2(rc)));
  }
}

void AmqpConnection::reject(std::uint64_t delivery_tag, bool requeue) {
  if (const int rc = amqp_basic_reject(state_, kChannel, delivery_tag, requeue ? 1 : 0); rc != AMQP_STATUS_OK) {
    throw AmqpError(fmt::format("reject: {}", amqp_error_string2(rc)));
  }
}

std::optional<AmqpConnection::Confirm> AmqpConnection::wait_confirm(std::chrono::milliseconds timeout) {
  amqp_maybe_release_buffers(state_);
  amqp_frame_t frame{};
  auto tv = to_timeval(timeout);
  const int rc = amqp_simple_wait_frame_noblock(state_, &frame, &tv);
  if (rc == AMQP_STATUS_TIMEOUT) return std::nullopt;
  if (rc != AMQP_STATUS_OK) throw AmqpError(fmt::format("waiting for confirms: {}", amqp_error_string2(rc)));
  if (frame.frame_type != AMQP_FRAME_METHOD) return std::nullopt;
  switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      const auto* m = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
      return Confirm{m->delivery_tag, m->multiple != 0, true};
    }
    case AMQP_BASIC_NACK_METHOD: {
      const auto* m = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
      return Confirm{m->delivery_tag, m->multiple != 0, false};
    }
    case AMQP_CHANNEL_CLOSE_METHOD:
    case AMQP_CONNECTION_CLOSE_METHOD:
      throw AmqpError(fmt::format("the broker closed the publisher (method 0x{:08x})", frame.payload.method.id));
    default: return std::nullopt;
  }
}

int AmqpConnection::socket_fd() const { return amqp_get_sockfd(state_); }

bool AmqpConnection::has_buffered_input() const {
  return amqp_frames_enqueued(state_) != 0 || amqp_data_in_buffer(state_) != 0;
}

}  // namespace domainscan::bus::amqp
