-- SPDX-License-Identifier: GPL-2.0
--
-- Wireshark / tshark dissector for vcmp, the VCMP-compatible SD-WAN tunnel
-- (Documentation/wire-format.rst is the reference for every field).
--
--   tshark -X lua_script:tools/wireshark/vcmp.lua -r capture.pcap -V
--   wireshark -X lua_script:tools/wireshark/vcmp.lua capture.pcap
--   Installed as a plugin it loads by itself: ~/.local/lib/wireshark/plugins/
--   for one user, /usr/lib/<multiarch>/wireshark/plugins/ for all (where
--   "make install" puts it; "tshark -G folders" shows both).
--
-- What it decodes, on UDP port 2426 (preference vcmp.udp_port):
--   - plain ("Internet Multipath") VCMP: the 23-byte VCMP header, the 8-byte
--     data header of DATA packets, then the inner IPv4/IPv6 packet;
--   - ESP in UDP (RFC 3948): handed to Wireshark's ESP dissector. With the
--     SAs given (esp.enable_encryption_decode and the esp_sa table), ESP
--     decrypts the payload and, as its next header is 253, hands it back to
--     this dissector through the "ip.proto" table: the VCMP header and the
--     inner packet then show as for plain mode;
--   - RFC 3948 NAT-keepalives (one 0xff byte) and the non-ESP marker (four
--     zero bytes, IKE follows).
-- Packet types this file does not know, and the payload of every type but
-- DATA, are shown generically (type number and payload bytes), so that new
-- packet types do not break it.

local vcmp = Proto("vcmp", "VCMP multipath tunnel")

local type_names = {
	[1] = "DATA",
	[2] = "PROBE",
	[3] = "PROBE_ACK",
	[4] = "PMTU_PROBE",
	[5] = "PMTU_ACK",
	[6] = "FEC_PARITY",
	[7] = "FEEDBACK",
}
local proto_names = { [4] = "IPv4", [6] = "IPv6" }
local encap_names = {
	plain = "plain VCMP (Internet Multipath)",
	esp = "ESP in UDP",
	esp_inner = "VCMP inside ESP",
	keepalive = "NAT-T keepalive",
	non_esp = "non-ESP marker (IKE)",
}

local HDR_LEN = 23
local DATA_HDR_LEN = 8
local F_FRAG, F_DUP, F_FEC, F_ECHO = 0x01, 0x02, 0x04, 0x08

local f = vcmp.fields
f.encap = ProtoField.string("vcmp.encap", "Encapsulation")
f.marker = ProtoField.uint8("vcmp.marker", "Marker", base.HEX)
f.version = ProtoField.uint8("vcmp.version", "Version", base.DEC, nil, 0xf0)
f.type = ProtoField.uint8("vcmp.type", "Type", base.DEC, type_names, 0x0f)
f.flags = ProtoField.uint8("vcmp.flags", "Flags", base.HEX)
f.flag_frag = ProtoField.bool("vcmp.flags.frag", "FRAG (fragment fields valid)", 8, nil, F_FRAG)
f.flag_dup = ProtoField.bool("vcmp.flags.dup", "DUP (sent on several links)", 8, nil, F_DUP)
f.flag_fec = ProtoField.bool("vcmp.flags.fec", "FEC (member of an FEC group)", 8, nil, F_FEC)
f.flag_echo = ProtoField.bool("vcmp.flags.echo", "ECHO (echo field valid)", 8, nil, F_ECHO)
f.flag_reserved = ProtoField.uint8("vcmp.flags.reserved", "Reserved flags", base.HEX, nil, 0xf0)
f.link_id = ProtoField.uint8("vcmp.link_id", "Link ID", base.DEC)
f.segment_id = ProtoField.uint16("vcmp.segment_id", "Segment ID", base.DEC)
f.peer_seq = ProtoField.uint32("vcmp.peer_seq", "Peer sequence", base.DEC)
f.link_seq = ProtoField.uint32("vcmp.link_seq", "Link sequence", base.DEC)
f.timestamp = ProtoField.uint32("vcmp.timestamp", "Timestamp (us)", base.DEC)
f.echo = ProtoField.uint32("vcmp.echo", "Echo (us)", base.DEC)
f.fec_index = ProtoField.uint8("vcmp.fec_index", "FEC index", base.DEC)
f.data_proto = ProtoField.uint8("vcmp.data.proto", "Inner protocol", base.DEC, proto_names)
f.frag_more = ProtoField.bool("vcmp.data.frag_more", "More fragments", 8, nil, 0x80)
f.frag_index = ProtoField.uint8("vcmp.data.frag_index", "Fragment index", base.DEC, nil, 0x7f)
f.frag_id = ProtoField.uint16("vcmp.data.frag_id", "Fragment ID", base.DEC)
f.frag_offset = ProtoField.uint16("vcmp.data.frag_offset", "Fragment offset", base.DEC)
f.tclass = ProtoField.uint8("vcmp.data.tclass", "Traffic class", base.DEC)
f.data_reserved = ProtoField.uint8("vcmp.data.reserved", "Reserved", base.HEX)
f.payload = ProtoField.bytes("vcmp.payload", "Payload")
f.payload_len = ProtoField.uint32("vcmp.payload_len", "Payload length", base.DEC)

local e_short = ProtoExpert.new("vcmp.short", "Truncated VCMP packet",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_marker = ProtoExpert.new("vcmp.bad_marker", "Marker is not 0x00",
	expert.group.MALFORMED, expert.severity.ERROR)
local e_version = ProtoExpert.new("vcmp.bad_version", "Unknown VCMP version",
	expert.group.MALFORMED, expert.severity.WARN)
local e_type = ProtoExpert.new("vcmp.unknown_type", "Unknown packet type",
	expert.group.UNDECODED, expert.severity.NOTE)
local e_invalid = ProtoExpert.new("vcmp.invalid", "Invalid header field",
	expert.group.MALFORMED, expert.severity.WARN)
vcmp.experts = { e_short, e_marker, e_version, e_type, e_invalid }

vcmp.prefs.udp_port = Pref.uint("UDP port", 2426, "The UDP port of vcmp devices")

local ip_dissector = Dissector.get("ip")
local ipv6_dissector = Dissector.get("ipv6")
local esp_dissector = Dissector.get("esp")
local data_dissector = Dissector.get("data")

local function bit_set(v, m)
	return bit32.band(v, m) ~= 0
end

local function invalid(tree, item, msg)
	item:add_proto_expert_info(e_invalid, msg)
end

-- The VCMP header and what follows it; tvb starts at the VCMP header.
local function dissect_vcmp(tvb, pinfo, tree, encap)
	local len = tvb:len()
	local t = tree:add(vcmp, tvb(), "VCMP")
	t:add(f.encap, encap_names[encap]):set_generated()
	pinfo.cols.protocol = "VCMP"
	if len < HDR_LEN then
		t:add_proto_expert_info(e_short, "Shorter than the 23-byte VCMP header")
		t:add(f.payload, tvb())
		return len
	end

	local marker = tvb(0, 1):uint()
	local vt = tvb(1, 1):uint()
	local version = bit32.rshift(vt, 4)
	local ptype = bit32.band(vt, 0x0f)
	local flags = tvb(2, 1):uint()

	local it = t:add(f.marker, tvb(0, 1))
	if marker ~= 0 then it:add_proto_expert_info(e_marker) end
	it = t:add(f.version, tvb(1, 1))
	if version ~= 1 then it:add_proto_expert_info(e_version) end
	it = t:add(f.type, tvb(1, 1))
	if not type_names[ptype] then
		it:add_proto_expert_info(e_type, "Unknown packet type " .. ptype)
	end
	local ft = t:add(f.flags, tvb(2, 1))
	ft:add(f.flag_frag, tvb(2, 1))
	ft:add(f.flag_dup, tvb(2, 1))
	ft:add(f.flag_fec, tvb(2, 1))
	ft:add(f.flag_echo, tvb(2, 1))
	it = ft:add(f.flag_reserved, tvb(2, 1))
	if bit32.band(flags, 0xf0) ~= 0 then invalid(t, it, "Reserved flag bits set") end
	t:add(f.link_id, tvb(3, 1))
	t:add(f.segment_id, tvb(4, 2))
	t:add(f.peer_seq, tvb(6, 4))
	t:add(f.link_seq, tvb(10, 4))
	t:add(f.timestamp, tvb(14, 4))
	it = t:add(f.echo, tvb(18, 4))
	if not bit_set(flags, F_ECHO) and tvb(18, 4):uint() ~= 0 then
		invalid(t, it, "Echo set without flag ECHO")
	end
	it = t:add(f.fec_index, tvb(22, 1))
	if not bit_set(flags, F_FEC) and tvb(22, 1):uint() ~= 0 then
		invalid(t, it, "FEC index set without flag FEC")
	end

	local tname = type_names[ptype] or ("type " .. ptype)
	local info = string.format("VCMP %s link %u peer_seq %u link_seq %u",
		tname, tvb(3, 1):uint(), tvb(6, 4):uint(), tvb(10, 4):uint())
	if encap == "esp_inner" then info = info .. " (ESP)" end

	if ptype ~= 1 or version ~= 1 then
		-- Every type but DATA: generic payload, whatever the type number.
		if len > HDR_LEN then
			t:add(f.payload_len, len - HDR_LEN):set_generated()
			t:add(f.payload, tvb(HDR_LEN))
		end
		pinfo.cols.info = info
		return len
	end

	if len < HDR_LEN + DATA_HDR_LEN then
		t:add_proto_expert_info(e_short, "Shorter than the VCMP and data headers")
		pinfo.cols.info = info
		return len
	end
	local d = tvb(HDR_LEN, DATA_HDR_LEN)
	local dt = t:add(vcmp, d, "Data header")
	local proto = d(0, 1):uint()
	it = dt:add(f.data_proto, d(0, 1))
	if not proto_names[proto] then invalid(dt, it, "Inner protocol not 4 or 6") end
	dt:add(f.frag_more, d(1, 1))
	dt:add(f.frag_index, d(1, 1))
	dt:add(f.frag_id, d(2, 2))
	dt:add(f.frag_offset, d(4, 2))
	dt:add(f.tclass, d(6, 1))
	it = dt:add(f.data_reserved, d(7, 1))
	if d(7, 1):uint() ~= 0 then invalid(dt, it, "Reserved byte set") end
	local frag = bit_set(flags, F_FRAG)
	if not frag and (d(1, 1):uint() ~= 0 or d(2, 4):uint() ~= 0) then
		invalid(dt, dt, "Fragment fields set without flag FRAG")
	end

	local inner = tvb(HDR_LEN + DATA_HDR_LEN)
	t:add(f.payload_len, inner:len()):set_generated()
	pinfo.cols.info = info
	-- A fragment after the first does not start with an IP header.
	if frag and d(4, 2):uint() ~= 0 then
		pinfo.cols.info = info .. string.format(" fragment id %u offset %u",
			d(2, 2):uint(), d(4, 2):uint())
		data_dissector:call(inner:tvb(), pinfo, tree)
	elseif frag and d(1, 1):uint() ~= 0 then
		-- first fragment of a packet: not reassembled here
		pinfo.cols.info = info .. string.format(" fragment id %u (first)", d(2, 2):uint())
		data_dissector:call(inner:tvb(), pinfo, tree)
	elseif proto == 4 then
		ip_dissector:call(inner:tvb(), pinfo, tree)
	elseif proto == 6 then
		ipv6_dissector:call(inner:tvb(), pinfo, tree)
	else
		data_dissector:call(inner:tvb(), pinfo, tree)
	end
	return len
end

-- Everything on the vcmp UDP port.
function vcmp.dissector(tvb, pinfo, tree)
	local len = tvb:len()
	if len == 0 then return 0 end
	local b0 = tvb(0, 1):uint()
	if len == 1 and b0 == 0xff then
		local t = tree:add(vcmp, tvb(), "VCMP")
		t:add(f.encap, encap_names.keepalive):set_generated()
		pinfo.cols.protocol = "VCMP"
		pinfo.cols.info = "NAT-keepalive"
		return len
	end
	if len >= 4 and tvb(0, 4):uint() == 0 then
		local t = tree:add(vcmp, tvb(0, 4), "VCMP")
		t:add(f.encap, encap_names.non_esp):set_generated()
		pinfo.cols.protocol = "VCMP"
		pinfo.cols.info = "Non-ESP marker (IKE, not used by vcmp)"
		local isakmp = Dissector.get("isakmp")
		if isakmp and len > 4 then isakmp:call(tvb(4):tvb(), pinfo, tree) end
		return len
	end
	if b0 == 0 then
		return dissect_vcmp(tvb, pinfo, tree, "plain")
	end
	local t = tree:add(vcmp, tvb(), "VCMP")
	t:add(f.encap, encap_names.esp):set_generated()
	if len < 8 then
		t:add_proto_expert_info(e_short, "Shorter than an ESP header")
		return len
	end
	esp_dissector:call(tvb, pinfo, tree)
	return len
end

-- Decrypted ESP payloads with next header 253 come back here.
local vcmp_esp = Proto("vcmp_esp", "VCMP inside ESP")
function vcmp_esp.dissector(tvb, pinfo, tree)
	return dissect_vcmp(tvb, pinfo, tree, "esp_inner")
end

local registered_port
local function register_port()
	local udp = DissectorTable.get("udp.port")
	if registered_port then udp:remove(registered_port, vcmp) end
	registered_port = vcmp.prefs.udp_port
	udp:add(registered_port, vcmp)
end

function vcmp.prefs_changed()
	if registered_port ~= vcmp.prefs.udp_port then register_port() end
end

register_port()
-- RFC 3692 experimental protocol number vcmp puts in the ESP trailer.
DissectorTable.get("ip.proto"):add(253, vcmp_esp)
