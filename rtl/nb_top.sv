// NeuroBlend accelerator top: controller, window generators, binary engine
// (DSP48E2 logic-mode XNOR + popcount per lane), fixed-point MAC engine,
// merge/requantize unit, ping-pong activation buffers (int8 and bit-packed)
// and one 64-bit memory port. It runs a compiled program (.nbp,
// docs/program-format.md) from memory, layer by layer, output-channel tile
// by tile; the binary and fixed-point paths of a position run concurrently
// and meet in the merge unit. Architecture: docs/architecture.md.
module nb_top #(
  // Defaults and legal ranges: rtl/spec/nb_hw.json (nb_pkg).
  parameter int Lanes /*verilator public*/ = nb_pkg::DefaultLanes,           // output channels per tile, both engines
  parameter int Wpl /*verilator public*/ = nb_pkg::DefaultWpl,               // 48-bit words (DSP48E2 slices) per binary lane per cycle: 1, 2 or 4
  parameter int Macs /*verilator public*/ = nb_pkg::DefaultMacs,             // int8 MACs per fixed-point lane per cycle: 1, 2, 4 or 8
  parameter int XnorImpl /*verilator public*/ = nb_pkg::DefaultXnorImpl,     // 1: DSP48E2 logic unit, 0: LUT fabric
  parameter int ActBytes /*verilator public*/ = nb_pkg::DefaultActBytes,     // bytes per int8 activation buffer (bits per bit buffer)
  parameter int MaxKw /*verilator public*/ = nb_pkg::DefaultMaxKw,           // 48-bit weight words per binary lane row
  parameter int MaxFixEntries /*verilator public*/ = nb_pkg::DefaultMaxFixEntries,  // 8-byte weight entries per fixed-point lane row
  parameter int MaxClasses /*verilator public*/ = nb_pkg::DefaultMaxClasses,  // logits the logits memory holds
  parameter int MergeLanes /*verilator public*/ = nb_pkg::DefaultMergeLanes  // outputs merged and requantized per cycle; divides Lanes
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // control
  input  logic        start_i,
  input  logic [31:0] prog_base_i,   // the .nbp file in memory
  input  logic [31:0] in_base_i,     // uint8 image, HWC
  input  logic [31:0] out_base_i,    // perf records, then layer dumps (see docs/architecture.md)
  input  logic        dump_en_i,     // write every layer's output (else only the logits)
  input  logic        wres_i,        // resident weights: a slot per tile, kept between runs (nb_wslots)
  input  logic        wkeep_i,       // the weight memories may hold this program's weights: skip loading them
  output logic        busy_o,
  output logic        done_o,        // one cycle
  output logic        error_o,       // held with done
  output logic [7:0]  error_code_o,
  output logic        layer_done_o,  // one cycle, after the layer's dump and perf record are written
  output logic [15:0] layer_idx_o,
  // memory port: one request per cycle when ready, read data in order
  output logic        mem_req_valid_o,
  input  logic        mem_req_ready_i,
  output logic [31:0] mem_req_addr_o,
  output logic        mem_req_we_o,
  output logic [63:0] mem_req_wdata_o,
  input  logic        mem_rsp_valid_i,
  input  logic [63:0] mem_rsp_rdata_i,
  // observation (debug / trace) port: this cycle's activity flags, the
  // conditions the performance counters count (bits: nb_pkg::Act*)
  output logic [nb_pkg::ActBits-1:0] act_o
);
  // int8 buffer banks: a run of Lanes bytes (merge writes, select / pool
  // reads) or 8 (image, dumps, MAC windows) in one access, no wider.
  // Sizes derived from the parameters: nb_pkg's functions (rtl/spec/nb_hw.json
  // "derived"; the C++ side has the same ones, and the simulator checks the
  // public ones against them at start-up).
  localparam int Banks /*verilator public*/ = nb_pkg::ByteBanks(Lanes);
  localparam int Depth /*verilator public*/ = nb_pkg::ByteBankDepth(ActBytes, Lanes);
  localparam int BW /*verilator public*/ = nb_pkg::ByteWriteUnits(MergeLanes);  // bytes of an int8 write run
  localparam int UB = 48 * Wpl;                       // bits a binary lane takes per cycle
  localparam int KwA /*verilator public*/ = nb_pkg::BinWeightAbits(MaxKw, Wpl);  // address bits of a weight bank
  localparam int FixA /*verilator public*/ = nb_pkg::FixWeightAbits(MaxFixEntries);
  localparam int WS = $clog2(Wpl);                     // Wpl is a power of two
  localparam int FifoDepth = nb_pkg::FifoDepth;
  localparam int MaxInflight = nb_pkg::MaxInflight;
  localparam int FC = $clog2(FifoDepth + 1);   // FIFO counts
  localparam int MW = Macs * 8;
  localparam int NG = Lanes / MergeLanes;   // lane groups the merge takes one per cycle
  localparam int GA = NG > 1 ? $clog2(NG) : 1;
  localparam int TL = Lanes > 1 ? $clog2(Lanes) : 1;   // lane index bits
  localparam int LogitRows = (MaxClasses + Lanes - 1) / Lanes * NG;  // logits memory: a row of MergeLanes logits per group
  localparam int LogitA = LogitRows > 1 ? $clog2(LogitRows) : 1;
  localparam int DescBits = nb_pkg::DescWords * 32;
  // Position pairs: a layer of Lanes / 2 output channels computes two
  // neighbouring output positions per window, the second on lanes Half..
  // (with the same weights and parameters), from a second window generator
  // on copies of the activation buffers. Needs an even lane count whose
  // halves hold whole merge groups.
  localparam bit PairOk /*verilator public*/ = nb_pkg::PairOk(Lanes, MergeLanes) != 0;
  localparam int Half = Lanes / 2;

  typedef enum logic [3:0] {
    S_IDLE, S_HDR, S_DESC, S_NDESC, S_INPUT, S_WAIT_TL, S_COMPUTE, S_DRAIN,
    S_DUMP_RD, S_DUMP_WR, S_PERF, S_LAYER_END, S_PF_WAIT, S_DONE
  } state_e;

  state_e st_q;
  logic [3:0] step_q;
  logic entry_q;  // first cycle in a load state

  // ---------------------------------------------------------------- program
  logic [31:0] prog_q, in_q, out_q, img_q;   // img: base of the memory image
  logic dump_q;
  logic [31:0] nlayers_q;
  logic hdr_ok_q;           // the header's version and descriptor size are this RTL's
  logic [31:0] desc_ptr_q;  // this layer's descriptor; the next one follows it
  logic [31:0] rec_ptr_q;   // this layer's performance record
  // Descriptors: the current layer's, the next one's and the one after
  // (nnd, loaded by the tile loader after it prefetched the next layer's
  // first tile, so that tile's next-layer tau / neg come with it and no
  // descriptor fetch waits between layers). Each layer end shifts them up.
  logic [DescBits-1:0] d_raw_q, nd_raw_q, nnd_raw_q;
  nb_pkg::desc_t d, nd;
  nb_pkg::desc_t nnd;
  assign d = d_raw_q;
  assign nd = nd_raw_q;
  assign nnd = nnd_raw_q;
  logic [15:0] li_q;       // layer index
  logic pp_q;              // activation buffer holding this layer's input

  logic [2:0] kind;
  logic relu, logits, token, out_t;
  logic [3:0] skip;
  logic [15:0] in_h, out_w, rows;
  logic [31:0] in_c32, out_c32, classes32;  // out_c32: the output position pitch; classes32: the logits' count (out_c)
  logic [5:0] sh;
  logic [31:0] kbin;
  logic has_next, nbin;
  // a layer follows this one: a register (the compare is a carry chain;
  // li_q and nlayers_q change dozens of cycles before anything reads it)
  logic has_next_q, has_next2_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      has_next_q <= 1'b0;
      has_next2_q <= 1'b0;
    end else begin
      has_next_q <= 32'(li_q) + 32'd1 < nlayers_q;
      has_next2_q <= 32'(li_q) + 32'd2 < nlayers_q;
    end
  end
  always_comb begin
    kind = d.kind;
    relu = d.relu;
    logits = d.logits;
    token = d.token;
    out_t = d.out_t;
    skip = d.skip;
    // the accelerator's view of the layer (a token-mixing layer's positions
    // are its channels): rows the windows walk, positions per row, and the
    // pitch from one position's outputs to the next
    in_h = d.win_rows;
    in_c32 = 32'(d.in_c);
    out_w = d.pos_w;
    out_c32 = d.out_pitch;
    classes32 = 32'(d.out_c);
    sh = d.sh;
    kbin = d.kbin;
    rows = d.rows[15:0];
    has_next = has_next_q;
    nbin = has_next && nd.kbin != 32'd0;
  end
  // Modes of the two engines: registers set with the descriptor (the issue
  // decision reads them, a few LUTs from flip-flops, not a 32-bit compare).
  /* verilator lint_off UNUSEDSIGNAL */  // the modes read a few of the descriptor's fields
  function automatic logic [3:0] modes(input nb_pkg::desc_t x);
    // {bin, pool, sel, mac}
    modes = {x.kbin != 0, x.kind == nb_pkg::KindAvgpool, x.skip == nb_pkg::SkipIdentity,
             x.kind != nb_pkg::KindAvgpool && x.skip != nb_pkg::SkipIdentity};
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
  logic [3:0] mode_q;
  logic use_bin, use_mac, use_sel, use_pool;
  assign {use_bin, use_pool, use_sel, use_mac} = mode_q;
  // A layer computed in position pairs (this one, and the next one for the
  // tile loader): Half output channels, an even output width (a pair never
  // spans two rows), a convolution, not the logits.
  /* verilator lint_off UNUSEDSIGNAL */  // the rule reads a few of the descriptor's fields
  function automatic logic pair_layer(input nb_pkg::desc_t x);
    pair_layer = PairOk && x.rows == 32'(Half) && !x.out_w[0] && !x.logits && !x.out_t
                 && (x.kind == nb_pkg::KindConv || x.kind == nb_pkg::KindBlendConv);
  endfunction
  /* verilator lint_on UNUSEDSIGNAL */
  // the next layer's, for the tile loader's prefetch: a register (nd is set
  // long before the prefetch starts, asserted)
  logic [3:0] nmode_q;
  always_ff @(posedge clk_i) nmode_q <= modes(nd);
  logic pair, npair;
  assign pair = pair_layer(d);
  assign npair = pair_layer(nd);
  logic pair_q;  // the tile being computed is in position pairs (set as it starts: u_iss)

  // ------------------------------------------------------------- tiling
  // Weights and parameters are double-buffered: the tile loader
  // (nb_tile_loader) fills one bank with the next tile while the engines
  // compute tile tile_q from bank cbank_q.
  logic [15:0] tile_q;        // first output channel of the tile being computed
  logic [15:0] nrows;         // lanes in use
  logic cbank_q;
  logic pf_q;                 // the loader's bank holds this layer's first tile, prefetched (rows to bias)
  logic prev_tok_q;           // the layer before this one was token mixing (its successor's M1, M2, bias: not prefetched)
  logic [31:0] pos_total;     // windows per tile
  // Rows (lanes in use) of a tile from channel t of a layer of r rows; kept
  // kept in a register (nrows) set with tile_q.
  function automatic logic [15:0] rows_left(input logic [15:0] r, input logic [15:0] t);
    rows_left = (r - t > 16'(Lanes)) ? 16'(Lanes) : r - t;
  endfunction
  logic [15:0] nrows_q;
  assign nrows = nrows_q;
  assign pos_total = d.windows;

  // ------------------------------------------------------------- counters
  logic [31:0] dump_ptr_q;

  // ----------------------------------------------------- tile loader
  logic tl_start, tl_start_next, tl_start_params, tl_start_bank;
  logic [15:0] tl_start_tile, tl_start_rows;
  logic tl_q;                 // the tile loader is busy
  logic lbank;                // its bank
  logic [2:0] tl_which;
  logic tl_wbin, tl_wfix, tl_par, tl_pos, tl_desc, tl_pair;
  logic [15:0] lnrows;        // the rows of the tile it loads
  logic signed [15:0] pbase;
  logic [3:0] per_beat;
  logic tl_arm, tl_rows, tl_active, tl_empty;
  logic [31:0] tl_base, tl_beats;
  logic [15:0] tl_wpr;
  // ---------------------------------------------------- memory loader
  // One loader of beats (nb_mem_loader) for the controller's loads (header,
  // descriptors, image: flat) and the tile loader's steps; never both at once.
  logic main_load, ld_arm, ld_done, ld_issued, ld_idle, ld_first, ld_req, ld_gnt;
  // a tile loader step's tag, returned with its beats: {step, element size, the first beat's lead}
  localparam int LdTagW = 3 + 2 + 4;
  logic [LdTagW-1:0] tl_tag, ld_tag;
  logic [31:0] ld_addr, ld_rcv;
  logic [15:0] ld_row, ld_word;
  logic [31:0] main_start, main_beats;  // the controller's load in this state
  logic main_empty;                     // it has no beats
  assign main_load = st_q == S_HDR || st_q == S_DESC || st_q == S_NDESC || st_q == S_INPUT;
  always_comb begin
    main_start = 32'd0;
    main_beats = 32'd0;
    main_empty = 1'b0;
    unique case (st_q)
      S_HDR: begin main_start = prog_q; main_beats = 32'd8; end
      S_DESC: begin main_start = desc_ptr_q; main_beats = 32'(nb_pkg::DescBeats); end
      // the first layer's next descriptor; later layers' came with the prefetch (nb_pkg::StepNextDesc)
      S_NDESC: begin main_start = desc_ptr_q + 32'(nb_pkg::DescWords * 4); main_beats = li_q == 16'd0 ? 32'(nb_pkg::DescBeats) : 32'd0; main_empty = li_q != 16'd0; end
      S_INPUT: begin main_start = in_q; main_beats = (d.in_elems + 32'd7) >> 3; main_empty = d.in_elems == 32'd0; end
      default: ;
    endcase
  end
  assign ld_arm = (main_load && entry_q) || tl_arm;
  nb_mem_loader #(.TagW(LdTagW)) u_ld (
    .clk_i, .rst_ni, .arm_i(ld_arm), .base_i(main_load ? main_start : tl_base), .beats_i(main_load ? main_beats : tl_beats),
    .rows_i(!main_load && tl_rows), .wpr_i(main_load ? 16'd0 : tl_wpr), .nrows_i(lnrows),
    .empty_i(main_load ? main_empty : tl_empty), .tag_i(main_load ? '0 : tl_tag),
    .active_i((main_load && !entry_q) || tl_active),
    .issued_o(ld_issued), .idle_o(ld_idle), .done_o(ld_done),
    .req_o(ld_req), .addr_o(ld_addr), .gnt_i(ld_gnt),
    .rsp_i(mem_rsp_valid_i), .rcv_o(ld_rcv), .row_o(ld_row), .word_o(ld_word), .tag_o(ld_tag), .first_o(ld_first));

  nb_tile_loader #(.TagW(LdTagW)) u_tl (
    .clk_i, .rst_ni,
    .start_i(tl_start), .start_next_i(tl_start_next), .start_params_i(tl_start_params),
    .start_tile_i(tl_start_tile), .start_rows_i(tl_start_rows), .start_bank_i(tl_start_bank),
    .busy_o(tl_q), .bank_o(lbank),
    .d_i(d), .nd_i(nd), .nnd_i(nnd), .mode_i(mode_q), .nmode_i(nmode_q), .pair_i(pair), .npair_i(npair),
    .has_next_i(has_next_q), .has_next2_i(has_next2_q), .img_i(img_q), .desc_ptr_i(desc_ptr_q),
    .skip_w_i(ws_skip),
    .ld_arm_o(tl_arm), .ld_base_o(tl_base), .ld_beats_o(tl_beats), .ld_rows_o(tl_rows), .ld_wpr_o(tl_wpr),
    .ld_empty_o(tl_empty), .ld_active_o(tl_active), .ld_tag_o(tl_tag),
    .ld_issued_i(ld_issued), .ld_idle_i(ld_idle), .ld_addr_i(ld_addr),
    .rsp_i(mem_rsp_valid_i), .rsp_tag_i(ld_tag), .rsp_first_i(ld_first),
    .which_o(tl_which), .wbin_o(tl_wbin), .wfix_o(tl_wfix), .par_o(tl_par), .pos_o(tl_pos),
    .desc_o(tl_desc), .pair_o(tl_pair), .rows_o(lnrows), .pbase_o(pbase), .per_beat_o(per_beat));

  logic rsp;
  assign rsp = mem_rsp_valid_i;

  // Where each tile's weights sit in the lanes' weight memories: a bank
  // (streaming) or a slot of their own (resident weights, kept between
  // runs); see nb_wslots. The entries a job of this layer or the next one
  // loads per lane are registers, set from the descriptors long before a
  // job starts (asserted below).
  logic [15:0] went_bin_d, went_fix_d, went_nbin_d, went_nfix_d;
  logic [15:0] went_bin_q, went_fix_q, went_nbin_q, went_nfix_q;
  // (saturated: on an invalid program a count past 16 bits marks a
  // resident job past the memories' end, its writes suppressed, instead of
  // wrapping to a small slot; the run stops at that layer's size check)
  function automatic logic [15:0] sat16(input logic [32:0] x);
    sat16 = x > 33'hffff ? 16'hffff : x[15:0];
  endfunction
  always_comb begin
    went_bin_d = mode_q[3] ? sat16((33'(d.kw) + 33'(Wpl - 1)) >> WS) : 16'd0;
    went_fix_d = mode_q[0] ? sat16(33'(d.fix_row_bytes) >> 3) : 16'd0;
    went_nbin_d = nmode_q[3] ? sat16((33'(nd.kw) + 33'(Wpl - 1)) >> WS) : 16'd0;
    went_nfix_d = nmode_q[0] ? sat16(33'(nd.fix_row_bytes) >> 3) : 16'd0;
  end
  always_ff @(posedge clk_i) {went_bin_q, went_fix_q, went_nbin_q, went_nfix_q} <= {went_bin_d, went_fix_d, went_nbin_d, went_nfix_d};
  logic ws_skip, ws_ovf, ws_job_ovf, ws_res;
  logic [KwA:0] ws_lbin, ws_cbin;
  logic [FixA:0] ws_lfix, ws_cfix;
  nb_wslots #(.BinA(KwA + 1), .FixA(FixA + 1)) u_ws (
    .clk_i, .rst_ni, .run_i(st_q == S_IDLE && start_i), .res_i(wres_i), .keep_i(wkeep_i),
    .done_i(st_q == S_DONE), .error_i(error_q),
    .alloc_i(tl_start && !tl_start_params), .bank_i(tl_start_bank),
    .bin_ents_i(tl_start_next ? went_nbin_q : went_bin_q), .fix_ents_i(tl_start_next ? went_nfix_q : went_fix_q),
    .take_i(st_q == S_WAIT_TL && !tl_q), .wr_i(tl_wbin || tl_wfix),
    .lbin_o(ws_lbin), .lfix_o(ws_lfix), .job_ovf_o(ws_job_ovf), .cbin_o(ws_cbin), .cfix_o(ws_cfix),
    .skip_w_o(ws_skip), .ovf_o(ws_ovf), .res_o(ws_res));
  // the weight memories' write and read addresses: the slot plus the entry.
  // Streaming, a job writes its own bank: on an invalid program whose row
  // passes the bank (ErrSize at its layer's start) the writes wrap inside
  // it instead of carrying into the bank the engines compute from.
  logic [KwA:0] wb_waddr, wb_raddr, wb_wsum;
  logic [FixA:0] wf_waddr, wf_raddr, wf_wsum;
  logic [15:0] wb_wword;  // the lanes' word index: entry * Wpl + the slice
  logic wb_we, wf_we;
  assign wb_wsum = ws_lbin + (KwA+1)'(ld_word >> WS);
  assign wb_waddr = {ws_res ? wb_wsum[KwA] : ws_lbin[KwA], wb_wsum[KwA-1:0]};
  assign wb_wword = 16'((32'(wb_waddr[KwA-1:0]) << WS) | (32'(ld_word) & 32'(Wpl - 1)));
  assign wf_wsum = ws_lfix + (FixA+1)'(ld_word);
  assign wf_waddr = {ws_res ? wf_wsum[FixA] : ws_lfix[FixA], wf_wsum[FixA-1:0]};
  assign wb_we = tl_wbin && !ws_job_ovf;
  assign wf_we = tl_wfix && !ws_job_ovf;

  // Per-lane parameters of the tile (nb_lane_params), loaded by the tile
  // loader's array steps: beat b holds per_beat elements, lane l takes slot
  // l - pbase (pbase counts the elements of the beats before, less the
  // first beat's leading ones).
  logic [MergeLanes*18-1:0] m1_g, m2_g;
  logic [MergeLanes*48-1:0] bias_g;
  logic [MergeLanes*16-1:0] ntau_g;
  logic [MergeLanes-1:0] nneg_g;
  logic [GA-1:0] m_grp;              // the merged group's parameters (in position pairs, lane l + Half has lane l's)
  nb_lane_params #(.Lanes(Lanes), .MergeLanes(MergeLanes), .GA(GA)) u_params (
    .clk_i, .we_i(tl_par), .which_i(tl_which), .wbank_i(lbank),
    .beat_i(mem_rsp_rdata_i), .base_i(pbase), .per_beat_i(per_beat), .rows_i(lnrows),
    .rbank_i(cbank_q), .group_i(m_grp),
    .tok_i(token), .tok_rrow_i(merged_q[2:0]), .tok_we_i(tp_v_q), .tok_wrow_i(tp_a_q[2:0]),
    .tok_m1_i(pm1), .tok_m2_i(pm2), .tok_bias_i(pbias), .tok_tau_i(ptau), .tok_neg_i(pneg),
    .m1_o(m1_g), .m2_o(m2_g), .bias_o(bias_g), .tau_o(ntau_g), .neg_o(nneg_g));
  // A token-mixing layer's parameters, per position (nb_pos_params, block
  // RAM), are copied into the lane parameters' ring of 8 token rows (every
  // merge unit reads the same row: that of the window at the FIFOs' head,
  // merged_q mod 8). The copy runs four positions ahead of the merge: the
  // position read is merged_q + 4 (0, 1, 2, 3 in a tile's first four
  // cycles), its row readable four cycles after the read (the block RAM's
  // registered read, then the lane parameters' two-stage write). Window w
  // >= 4 merges no earlier than four pops after position w was read; the
  // first four are read in the tile's first cycles, and no window merges
  // before the tile's fifth cycle (the shortest path, an identity skip:
  // issue, select read, SelStages, the FIFO; the binary path is longer);
  // a row is rewritten (with position w + 8) no earlier than seven cycles
  // after window w left. Assertions check every merge's row against its
  // position and tile, and that the first four positions are in.
  localparam int PosA = $clog2(nb_pkg::MaxTokenCh);
  logic signed [17:0] pm1, pm2;
  logic signed [47:0] pbias;
  logic signed [15:0] ptau;
  logic pneg;
  logic [31:0] merged_q;    // windows merged in this tile
  logic pop;
  logic [2:0] tp_f_q;       // a tile's first four positions, read one per cycle
  logic [PosA-1:0] tp_a;    // the position read
  logic [PosA-1:0] tp_a_q;
  logic tp_v_q;             // its parameters are out: write them into the ring
  assign tp_a = tp_f_q < 3'd4 ? PosA'(tp_f_q) : PosA'(merged_q) + PosA'(4);
  always_ff @(posedge clk_i) tp_a_q <= tp_a;
  nb_pos_params #(.N(nb_pkg::MaxTokenCh)) u_pos (
    .clk_i, .we_i(tl_pos), .which_i(tl_which),
    .beat_i(PosA'(ld_rcv)), .data_i(mem_rsp_rdata_i), .pos_i(tp_a),
    .m1_o(pm1), .m2_o(pm2), .bias_o(pbias), .tau_o(ptau), .neg_o(pneg));

  // ------------------------------------------------------------ buffers
  // Two int8 buffers and two bit buffers; pp_q selects this layer's input.
  // int8 buffers: one read and one write port shared by the two (nb_byte_banks,
  // its write port decoded by nb_byte_wfront).
  logic byte_re, byte_rsel, byte_we, byte_wsel;
  logic [31:0] byte_raddr, byte_waddr;
  logic [Banks*8-1:0] byte_rdata;
  logic [BW*8-1:0] byte_wdata;
  logic [BW-1:0] byte_wmask;
  logic bit_re [2];
  logic [31:0] bit_raddr [2];
  logic [UB-1:0] bit_rdata [2];
  logic bit_we [2];
  logic [31:0] bit_waddr [2];
  logic [BW-1:0] bit_wdata [2];
  logic [BW-1:0] bit_wmask [2];
  // The int8 write port is registered: its decoding into the banks' write
  // enables starts at a register (a write lands a cycle later; nothing reads
  // a byte the cycle after it is written: the image is read from the next
  // state on, an output from the next layer or the dump after the drain).
  logic byte_we_q, byte_wsel_q;
  logic [31:0] byte_waddr_q;
  logic [BW*8-1:0] byte_wdata_q;
  logic [BW-1:0] byte_wmask_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) byte_we_q <= 1'b0;
    else byte_we_q <= byte_we;
  end
  always_ff @(posedge clk_i) begin
    byte_wsel_q <= byte_wsel;
    byte_waddr_q <= byte_waddr;
    byte_wdata_q <= byte_wdata;
    byte_wmask_q <= byte_wmask;
  end
  // the write port decoded once, for the banks and their copy (pairs)
  logic [Banks-1:0] byte_wen;
  logic [Banks*$clog2(Depth)-1:0] byte_wrow;
  logic [Banks*8-1:0] byte_wbyte;
  nb_byte_wfront #(.Banks(Banks), .Depth(Depth), .WUnits(BW)) u_bytes_wr (
    .we_i(byte_we_q), .waddr_i(byte_waddr_q), .wdata_i(byte_wdata_q), .wmask_i(byte_wmask_q),
    .wen_o(byte_wen), .wrow_o(byte_wrow), .wbyte_o(byte_wbyte));
  nb_byte_banks #(.Banks(Banks), .Depth(Depth)) u_bytes (
    .clk_i, .re_i(byte_re), .rsel_i(byte_rsel), .raddr_i(byte_raddr), .rdata_o(byte_rdata),
    .wsel_i(byte_wsel_q), .wen_i(byte_wen), .wrow_i(byte_wrow), .wbyte_i(byte_wbyte));
  for (genvar i = 0; i < 2; i++) begin : g_buf
    nb_bit_ram #(.Bits(ActBytes), .U(UB), .WMax(BW)) u_bits (
      .clk_i, .re_i(bit_re[i]), .raddr_i(bit_raddr[i]), .rdata_o(bit_rdata[i]),
      .we_i(bit_we[i]), .waddr_i(bit_waddr[i]), .wdata_i(bit_wdata[i]), .wmask_i(bit_wmask[i]));
  end
  // Read ports of the buffers' copies (position pairs): each copy is written
  // with its original and read only by the pair's second window generator.
  /* verilator lint_off UNUSEDSIGNAL */  // without pairs (an odd lane count) no copies; the int8 copy's low bytes
  logic byte_re1;
  logic [31:0] byte_raddr1;
  logic [Banks*8-1:0] byte_rdata1;
  logic bit_re1 [2];
  logic [31:0] bit_raddr1 [2];
  logic [UB-1:0] bit_rdata1 [2];
  /* verilator lint_on UNUSEDSIGNAL */

  // ------------------------------------------------------ issue (windows)
  // The next window's position as counters stepped by the descriptor's
  // pitches (nb_win_issue): oy * stride, the units of rows and columns, the
  // pair's second column, the select read's address, the windows issued.
  logic signed [31:0] iss_iy0, iss_rowu, iss_colu, iss_colu1;
  logic [31:0] iss_n;       // windows issued in this tile
  logic iss_more;           // iss_n < windows (a register)
  logic tile_start;         // a tile starts computing
  logic [FC-1:0] inflight_q;
  logic issue;
  logic bg_ready, fg_ready;        // window front ends take a new position
  logic bg_valid, fg_valid;        // their buffer reads
  logic [31:0] bg_addr, fg_addr;
  // the pair's second window generators (copies of the first two, on the
  // buffers' copies; in step with them: the same window shapes)
  /* verilator lint_off UNUSEDSIGNAL */  // their ready: checked against the first ones' (assertions)
  logic bg1_ready, fg1_ready;
  /* verilator lint_on UNUSEDSIGNAL */
  logic bg1_valid, fg1_valid;
  logic [31:0] bg1_addr, fg1_addr;
  logic [UB-1:0] gb1_word;   // their words (lanes Half.. take them)
  logic [MW-1:0] fgb1_word;
  // Select / pool reads: one run of Lanes bytes per cycle.
  logic sp_valid, sp_last;
  logic [31:0] sp_addr, sel_ptr, pool_ptr_q;  // select / pool read addresses
  logic pool_active_q;

  always_comb begin
    issue = 1'b0;
    if (st_q == S_COMPUTE && !use_pool && iss_more && 32'(inflight_q) < MaxInflight
        && (!use_bin || bg_ready) && (!use_mac || fg_ready))
      issue = 1'b1;
  end

  always_comb begin
    sp_valid = 1'b0;
    sp_last = 1'b0;
    // the address does not wait for the issue decision (a read enable does)
    sp_addr = use_pool ? pool_ptr_q : sel_ptr;
    if (use_sel && issue) begin
      sp_valid = 1'b1;
      sp_last = 1'b1;
    end else if (use_pool && pool_active_q) begin
      sp_valid = 1'b1;
      sp_last = pool_ptr_q + in_c32 >= d.in_elems;
    end
  end

  assign tile_start = st_q == S_WAIT_TL && !tl_q;
  nb_win_issue u_iss (
    .clk_i, .rst_ni, .start_i(tile_start), .pair_i(pair), .tile_i(tile_q), .windows_i(pos_total),
    .pos_w_i(out_w), .stride_i(d.stride), .row_step_i(d.row_step), .col_step_i(d.col_step), .step_i(issue),
    .pair_o(pair_q), .iy0_o(iss_iy0), .rowu_o(iss_rowu), .colu_o(iss_colu), .colu1_o(iss_colu1),
    .sel_ptr_o(sel_ptr), .n_o(iss_n), .more_o(iss_more));

  // ------------------------------------------------------- binary engine
  logic gb_valid, gb_last;
  logic [UB-1:0] gb_word;
  logic [$clog2(UB+1)-1:0] gb_count;
  /* verilator lint_off UNUSEDSIGNAL */  // a window has at most BinWeightEntries words: the low bits index them
  logic [15:0] bword;        // word index within the window
  /* verilator lint_on UNUSEDSIGNAL */
  // valid / last through the XNOR slice's stages, then the lanes' popcount
  // register: the lanes take them at XnorStages, their dots come out with
  // the last one
  localparam int BinStages = nb_pkg::XnorStages + nb_pkg::PopStages;
  logic [BinStages-1:0] bv_q, bl_q;
  nb_window #(.U(UB), .UnitBits(1), .ReadStages(nb_pkg::BitReadStages), .ChunkStages(nb_pkg::BitChunkStages(Wpl))) u_bwin (
    .clk_i, .rst_ni, .start_i(issue && use_bin), .iy0_i(iss_iy0), .rowu0_i(iss_rowu), .colu_i(iss_colu),
    .k_i(d.bin_k), .pad_i(d.bin_pad), .pad_units_i(d.bin_pad_units), .pad_rows_i(d.bin_pad_rows),
    .run_i(d.bin_run), .in_h_i(in_h), .in_row_units_i(d.in_row_units), .ready_o(bg_ready),
    .rd_valid_o(bg_valid), .rd_addr_o(bg_addr), .rd_data_i(bit_rdata[pp_q]),
    .word_valid_o(gb_valid), .word_o(gb_word), .word_last_o(gb_last), .word_count_o(gb_count),
    .word_idx_o(bword));
  // Bits past K in a window's last word are padding and are not counted:
  // the gearbox's count of the word's bits, two cycles on (the XNOR's
  // stages), as a mask shared by every lane.
  logic [$clog2(UB+1)-1:0] bc_q [nb_pkg::XnorStages];
  logic [UB-1:0] lastmask;   // a register: bits of the word at the XNOR's output that hold the window
  always_ff @(posedge clk_i) begin
    bc_q[0] <= gb_count;
    for (int i = 1; i < nb_pkg::XnorStages; i++) bc_q[i] <= bc_q[i-1];
  end
  always_ff @(posedge clk_i)
    for (int b = 0; b < UB; b++) lastmask[b] <= b < 32'(bc_q[nb_pkg::XnorStages-2]);

  logic signed [15:0] dot_w [Lanes];   // dot of each lane, at the window's last word
  logic bin_push;
  assign bin_push = bv_q[BinStages-1] && bl_q[BinStages-1];
  assign wb_raddr = ws_cbin + (KwA+1)'(bword);
  for (genvar l = 0; l < Lanes; l++) begin : g_blane
    // the weight row this lane loads: in position pairs lane l + Half takes lane l's
    logic [15:0] wrow;
    assign wrow = (tl_pair && l >= Half) ? 16'(l - Half) : 16'(l);
    nb_bin_lane #(.Wpl(Wpl), .XnorImpl(XnorImpl), .KwA(KwA)) u_lane (
      .clk_i, .rst_ni, .wload_i(wb_we && ld_row == wrow), .wbank_i(wb_waddr[KwA]),
      .wword_i(wb_wword), .wdata_i(mem_rsp_rdata_i[47:0]), .cbank_i(wb_raddr[KwA]), .widx_i(wb_raddr[KwA-1:0]),
      .word_i(l >= Half ? gb1_word : gb_word), .pvalid_i(bv_q[nb_pkg::XnorStages-1]), .plast_i(bl_q[nb_pkg::XnorStages-1]),
      .pmask_i(lastmask), .kbin_i(kbin), .dot_o(dot_w[l]));
  end

  // --------------------------------------------------- fixed-point engine
  logic fgb_valid, fgb_last;
  logic [MW-1:0] fgb_word;
  logic [15:0] fword;
  /* verilator lint_off UNUSEDSIGNAL */  // int8 words are zero-padded: their products vanish
  logic [$clog2(Macs+1)-1:0] fgb_count;
  /* verilator lint_on UNUSEDSIGNAL */
  logic sm_valid_q, sm_last_q;  // select / pool read in flight
  nb_window #(.U(Macs), .UnitBits(8)) u_fwin (
    .clk_i, .rst_ni, .start_i(issue && use_mac), .iy0_i(iss_iy0), .rowu0_i(iss_rowu), .colu_i(iss_colu),
    .k_i(d.fix_k), .pad_i(d.fix_pad), .pad_units_i(d.fix_pad_units), .pad_rows_i(d.fix_pad_rows),
    .run_i(d.fix_run), .in_h_i(in_h), .in_row_units_i(d.in_row_units), .ready_o(fg_ready),
    .rd_valid_o(fg_valid), .rd_addr_o(fg_addr), .rd_data_i(byte_rdata[MW-1:0]),
    .word_valid_o(fgb_valid), .word_o(fgb_word), .word_last_o(fgb_last), .word_count_o(fgb_count),
    .word_idx_o(fword));
  if (PairOk) begin : g_pair
    nb_byte_banks #(.Banks(Banks), .Depth(Depth)) u_bytes1 (
      .clk_i, .re_i(byte_re1), .rsel_i(pp_q), .raddr_i(byte_raddr1), .rdata_o(byte_rdata1),
      .wsel_i(byte_wsel_q), .wen_i(byte_wen), .wrow_i(byte_wrow), .wbyte_i(byte_wbyte));
    for (genvar i = 0; i < 2; i++) begin : g_buf1
      nb_bit_ram #(.Bits(ActBytes), .U(UB), .WMax(BW)) u_bits1 (
        .clk_i, .re_i(bit_re1[i]), .raddr_i(bit_raddr1[i]), .rdata_o(bit_rdata1[i]),
        .we_i(bit_we[i]), .waddr_i(bit_waddr[i]), .wdata_i(bit_wdata[i]), .wmask_i(bit_wmask[i]));
    end
    /* verilator lint_off UNUSEDSIGNAL */  // the first generators' control stands for both
    logic gb1_valid, gb1_last, fgb1_valid, fgb1_last;
    logic [$clog2(UB+1)-1:0] gb1_count;
    logic [$clog2(Macs+1)-1:0] fgb1_count;
    logic [15:0] bword1, fword1;
    /* verilator lint_on UNUSEDSIGNAL */
    nb_window #(.U(UB), .UnitBits(1), .ReadStages(nb_pkg::BitReadStages), .ChunkStages(nb_pkg::BitChunkStages(Wpl))) u_bwin1 (
      .clk_i, .rst_ni, .start_i(issue && use_bin), .iy0_i(iss_iy0), .rowu0_i(iss_rowu), .colu_i(iss_colu1),
      .k_i(d.bin_k), .pad_i(d.bin_pad), .pad_units_i(d.bin_pad_units), .pad_rows_i(d.bin_pad_rows),
      .run_i(d.bin_run), .in_h_i(in_h), .in_row_units_i(d.in_row_units), .ready_o(bg1_ready),
      .rd_valid_o(bg1_valid), .rd_addr_o(bg1_addr), .rd_data_i(bit_rdata1[pp_q]),
      .word_valid_o(gb1_valid), .word_o(gb1_word), .word_last_o(gb1_last), .word_count_o(gb1_count),
      .word_idx_o(bword1));
    nb_window #(.U(Macs), .UnitBits(8)) u_fwin1 (
      .clk_i, .rst_ni, .start_i(issue && use_mac), .iy0_i(iss_iy0), .rowu0_i(iss_rowu), .colu_i(iss_colu1),
      .k_i(d.fix_k), .pad_i(d.fix_pad), .pad_units_i(d.fix_pad_units), .pad_rows_i(d.fix_pad_rows),
      .run_i(d.fix_run), .in_h_i(in_h), .in_row_units_i(d.in_row_units), .ready_o(fg1_ready),
      .rd_valid_o(fg1_valid), .rd_addr_o(fg1_addr), .rd_data_i(byte_rdata1[MW-1:0]),
      .word_valid_o(fgb1_valid), .word_o(fgb1_word), .word_last_o(fgb1_last), .word_count_o(fgb1_count),
      .word_idx_o(fword1));
`ifndef SYNTHESIS
    // the two generators of an engine run in step (same window shapes)
    always_ff @(posedge clk_i)
      if (rst_ni) begin
        assert (bg1_ready == bg_ready && gb1_valid == gb_valid && gb1_last == gb_last && gb1_count == gb_count)
          else $error("nb_top: binary window generators out of step");
        assert (fg1_ready == fg_ready && fgb1_valid == fgb_valid && fgb1_last == fgb_last)
          else $error("nb_top: int8 window generators out of step");
      end
`endif
  end else begin : g_single
    assign {bg1_ready, fg1_ready, bg1_valid, fg1_valid, bg1_addr, fg1_addr} = '0;
    assign byte_rdata1 = '0;
    assign bit_rdata1[0] = '0;
    assign bit_rdata1[1] = '0;
    assign gb1_word = gb_word;
    assign fgb1_word = fgb_word;
  end

  // The window word waits one cycle for its weights (the weight memories'
  // registered read): at u = its cycle + 1 it is beside them (fa_q, the
  // lanes' went_q), then runs down each lane's cascade of MAC slices
  // (nb_mac_lane): byte k enters slice k, k cycles after byte 0, so the
  // window bytes are skewed here once for all lanes (byte k delayed
  // max(k-1, 0) cycles; the slices' operand registers add the rest).
  // fv_q[j] / fl_q[j]: a word (its window's last) at u + j.
  localparam int FixPipe = Macs + 1;
  logic [FixPipe-1:0] fv_q, fl_q;
  logic [MW-1:0] fa_q, fa1_q;   // window word (the pair's second one), beside its weights
  logic [MW-1:0] fa_s, fa1_s;   // skewed
  logic [2:0] fbyte_q;          // the word's first byte within the 8-byte weight entry
  logic [31:0] fbyte0;
  assign fbyte0 = 32'(fword) * Macs;  // Macs is a power of two: a shift
  always_ff @(posedge clk_i) begin
    if (fgb_valid) begin
      fa_q <= fgb_word;
      fa1_q <= fgb1_word;
      fbyte_q <= fbyte0[2:0];
    end
  end
  nb_skew #(.N(Macs), .W(8), .Lead(1)) u_askew (.clk_i, .rst_ni, .d_i(fa_q), .q_o(fa_s));
  nb_skew #(.N(Macs), .W(8), .Lead(1)) u_askew1 (.clk_i, .rst_ni, .d_i(fa1_q), .q_o(fa1_s));
  // The lanes' shared controls: slice k clears its product register at
  // u+k+1 when no word is there; the last slice's operation is given at
  // u+Macs for a word and with the read for a select / pool byte (the two
  // never share a layer); the accumulator restarts (fresh) after a
  // window's last; its sum is in P SelStages cycles after the operation.
  logic [Macs-1:0] mclr;
  logic [1:0] fop;
  logic fresh_q;
  logic [nb_pkg::SelStages-1:0] fpush_q;
  logic mac_v, mac_last;
  assign mac_v = fv_q[Macs];
  assign mac_last = fl_q[Macs];
  always_comb for (int k = 0; k < Macs; k++) mclr[k] = !fv_q[k + 1];
  assign fop = {sm_valid_q, !fresh_q};
  logic signed [31:0] acc_w [Lanes];
  logic fix_push;
  assign fix_push = fpush_q[nb_pkg::SelStages-1];
  assign wf_raddr = ws_cfix + (FixA+1)'(fbyte0 >> 3);
  for (genvar l = 0; l < Lanes; l++) begin : g_flane
    logic [15:0] wrow;
    assign wrow = (tl_pair && l >= Half) ? 16'(l - Half) : 16'(l);
    nb_fix_lane #(.Macs(Macs), .FixA(FixA)) u_lane (
      .clk_i, .rst_ni, .wload_i(wf_we && ld_row == wrow), .wbank_i(wf_waddr[FixA]),
      .wword_i(wf_waddr[FixA-1:0]), .wdata_i(mem_rsp_rdata_i), .rd_i(fgb_valid), .cbank_i(wf_raddr[FixA]),
      .ridx_i(wf_raddr[FixA-1:0]), .a_i(l >= Half ? fa1_s : fa_s), .abyte_i(fbyte_q), .mclr_i(mclr), .op_i(fop),
      .lane_byte_i(signed'(byte_rdata[l*8 +: 8])), .acc_o(acc_w[l]));
  end

  // ------------------------------------------------------------- FIFOs
  // One entry per window: every lane's dot (acc), written at once through
  // one port (LUT-RAM), read whole; the merge takes a group of MergeLanes
  // lanes of it at a time.
  logic [Lanes*16-1:0] dots_w, dfifo_head;
  logic [Lanes*32-1:0] accs_w, afifo_head;
  logic d_valid, a_valid;
  logic [FC-1:0] dcnt, acnt;
  always_comb begin
    for (int l = 0; l < Lanes; l++) begin
      dots_w[l*16 +: 16] = dot_w[l];
      accs_w[l*32 +: 32] = acc_w[l];
    end
  end
  // the dot FIFO is popped only by layers with a binary path
  nb_fifo #(.W(Lanes*16), .Depth(FifoDepth)) u_dfifo (
    .clk_i, .rst_ni, .push_i(bin_push), .wdata_i(dots_w), .pop_i(pop && use_bin),
    .valid_o(d_valid), .head_o(dfifo_head), .count_o(dcnt));
  nb_fifo #(.W(Lanes*32), .Depth(FifoDepth)) u_afifo (
    .clk_i, .rst_ni, .push_i(fix_push), .wdata_i(accs_w), .pop_i(pop),
    .valid_o(a_valid), .head_o(afifo_head), .count_o(acnt));

  // -------------------------------------------------------------- merge
  // nb_merge (its stages: rtl/nb_merge.sv) takes the window at the FIFOs'
  // head one group of lanes per cycle; the window leaves the FIFOs (pop)
  // with its last group.
  logic mgo, m_ready;               // the window at the FIFOs' head is offered; its last group is merged
  assign mgo = (st_q == S_COMPUTE || st_q == S_DRAIN) && a_valid && (!use_bin || d_valid);
  assign pop = mgo && m_ready;
  // lanes merged per window: both halves in position pairs
  logic [15:0] mrows;
  assign mrows = pair_q ? 16'(Lanes) : nrows;
  logic m_zv, m_yv, m_ylast;        // stage 2 (z) valid; stage 3 (outputs) valid, a window's last group
  logic [MergeLanes*48-1:0] m_zrow;
  logic [31:0] m_yaddr;
  logic [TL-1:0] m_ylane;
  logic [MergeLanes*8-1:0] m_ybytes;
  logic [MergeLanes-1:0] m_ybits, m_ymask;
  nb_merge #(.Lanes(Lanes), .MergeLanes(MergeLanes)) u_merge (
    .clk_i, .rst_ni, .win_valid_i(mgo), .win_ready_o(m_ready), .dots_i(dfifo_head), .accs_i(afifo_head),
    .rows_i(mrows), .pair_i(pair_q), .use_bin_i(use_bin), .relu_i(relu), .logits_i(logits), .sh_i(sh),
    .tile_start_i(tile_start), .tile_base_i(32'(tile_q)), .win_step_i(out_c32 << pair_q),
    .grp_o(m_grp), .m1_i(m1_g), .m2_i(m2_g), .bias_i(bias_g), .ntau_i(ntau_g), .nneg_i(nneg_g),
    .z_valid_o(m_zv), .z_row_o(m_zrow),
    .y_valid_o(m_yv), .y_addr_o(m_yaddr), .y_lane_o(m_ylane), .y_last_o(m_ylast),
    .y_bytes_o(m_ybytes), .y_bits_o(m_ybits), .y_mask_o(m_ymask));
  logic [BW*8-1:0] y_bytes_w;
  logic [BW-1:0] y_mask_w;
  assign y_bytes_w = (BW*8)'(m_ybytes);
  assign y_mask_w = BW'(m_ymask);

  // ------------------------------------------------- transposed outputs
  // A layer whose successor computes on the other axis (out_t: token mixing
  // after channel mixing, or back) writes its outputs transposed: stage 3
  // puts each group into the transpose buffer (nb_transpose) instead of the
  // activation buffers. When a block of MergeLanes positions (or the tile's
  // last ones) is complete, the buffer drains one lane per cycle: that
  // lane's positions as one run, at row * positions + the block's first
  // position (counters: the tile's first row, stepped by the positions).
  // A block fills in MergeLanes windows of ceil(nrows / MergeLanes) groups
  // or more, at least nrows cycles, so it has drained by the time the next
  // one is complete; but the tile's last block, when it has fewer
  // positions, may complete during the drain of the one before: it waits
  // (pend_q) and drains right after (an assertion checks that no third
  // block comes).
  localparam int TB = MergeLanes;
  localparam int TA = $clog2(ActBytes) + 1;   // element addresses and position counts of the buffers
  localparam int TQ = TB > 1 ? $clog2(TB) : 1;
  logic [TQ-1:0] tq_q;              // stage 3's position within its block
  logic tbank_q;                    // and the block's bank
  logic [TA-1:0] tpos_q;            // positions stage 3 has completed in this tile
  logic [TA-1:0] tblk_q;            // the first position of the block being filled
  logic [TA-1:0] trow_q, trow_next_q;  // element address of the tile's first row (position 0); the next tile's
  logic [TA-1:0] tposn;             // positions per tile
  assign tposn = TA'(pos_total);
  logic tblk_done;                  // stage 3 completes a block
  assign tblk_done = m_yv && out_t && m_ylast && (32'(tq_q) == TB - 1 || tpos_q + 1'b1 == tposn);
  logic blk_q, blk_bank_q, blk_first_q;  // a block completed the cycle before; its bank; it is the tile's first
  logic [TQ:0] blk_n_q;             // its positions
  logic [TA-1:0] blk_addr_q;        // its lane 0's run
  logic tr_active_q, tr_bank_q, tr_first_q;  // drain: reading lane tr_lane_q
  logic [TL-1:0] tr_lane_q;
  logic [TQ-1:0] tr_rot_q;          // tr_lane_q mod MergeLanes
  logic [TQ:0] tr_n_q;
  logic [TA-1:0] tr_addr_q;
  logic tw_q;                       // drain write: the run read the cycle before
  logic [TQ:0] tw_n_q;
  logic [TA-1:0] tw_addr_q;
  logic pend_q;                     // the completed block waits for the drain
  logic tr_last, tr_start;          // the drain reads its last lane; it starts a block
  assign tr_last = tr_active_q && 16'(tr_lane_q) + 16'd1 == nrows;
  assign tr_start = (blk_q && (!tr_active_q || tr_last)) || (pend_q && tr_last);
  logic tr_busy;                    // a transposed output not yet written
  assign tr_busy = out_t && (m_yv || blk_q || pend_q || tr_active_q || tw_q);
  logic [TB*9-1:0] t_wd, t_rd;
  always_comb for (int r = 0; r < TB; r++) t_wd[r*9 +: 9] = {m_ybits[r], m_ybytes[r*8 +: 8]};
  nb_transpose #(.Lanes(Lanes), .B(TB), .W(9)) u_tr (
    .clk_i, .we_i(m_yv && out_t), .bank_i(tbank_q), .lane_i(m_ylane), .q_i(tq_q), .d_i(t_wd),
    .re_i(tr_active_q), .rbank_i(tr_bank_q), .rlane_i(tr_lane_q), .rrot_i(tr_rot_q), .q_o(t_rd));
  logic [BW*8-1:0] tw_bytes;
  logic [BW-1:0] tw_bits, tw_mask;
  always_comb begin
    tw_bytes = '0;
    tw_bits = '0;
    tw_mask = '0;
    for (int q = 0; q < TB; q++) begin
      tw_bytes[q*8 +: 8] = t_rd[q*9 +: 8];
      tw_bits[q] = t_rd[q*9 + 8];
      tw_mask[q] = 32'(q) < 32'(tw_n_q);
    end
  end
  always_ff @(posedge clk_i) begin
    if (tblk_done) begin
      blk_bank_q <= tbank_q;
      blk_n_q <= (TQ+1)'(tq_q) + 1'b1;
      blk_addr_q <= trow_q + tblk_q;
      blk_first_q <= tblk_q == '0;
    end
    if (tr_start) begin
      tr_bank_q <= blk_bank_q;
      tr_first_q <= blk_first_q;
      tr_lane_q <= '0;
      tr_rot_q <= '0;
      tr_n_q <= blk_n_q;
      tr_addr_q <= blk_addr_q;
    end else if (tr_active_q) begin
      tr_lane_q <= tr_lane_q + 1'b1;
      tr_rot_q <= 32'(tr_rot_q) == TB - 1 ? '0 : tr_rot_q + 1'b1;
      tr_addr_q <= tr_addr_q + tposn;
    end
    // the first block's last lane (another block may start with it): the
    // next tile's rows follow
    if (tr_first_q && tr_last) trow_next_q <= tr_addr_q + tposn;
    tw_n_q <= tr_n_q;
    tw_addr_q <= tr_addr_q;
  end


  // The logits: rows of MergeLanes z values, one per merged group, written
  // through one port (a small LUT-RAM), read one row per MergeLanes dump
  // beats.
  // distributed RAM always (a deep, narrow one would otherwise become a
  // block RAM at some lane counts and not at others)
  (* ram_style = "distributed" *) logic [MergeLanes*48-1:0] logit_mem [1 << LogitA];
  logic [MergeLanes*48-1:0] logit_rd_q;
  logic [LogitA-1:0] lrow_q;     // next row written
  logic [LogitA-1:0] dl_row_q;   // dump: logit row and lane
  logic [$clog2(MergeLanes+1)-1:0] dl_lane_q;
  always_ff @(posedge clk_i) begin
    if (m_zv && logits) logit_mem[lrow_q] <= m_zrow;
    if (st_q == S_DUMP_RD) logit_rd_q <= logit_mem[dl_row_q];
  end
  logic [47:0] logit_out;
  assign logit_out = logit_rd_q[32'(dl_lane_q)*48 +: 48];

  // ------------------------------------------------ buffer port muxing
  logic [31:0] dump_beat_q, dump_beats;
  // beats of the layer's dump: a register (the descriptor is in long before)
  always_ff @(posedge clk_i) dump_beats <= logits ? classes32 : (d.out_elems + 32'd7) >> 3;
  always_comb begin
    for (int i = 0; i < 2; i++) begin
      bit_re[i] = 1'b0;
      bit_raddr[i] = '0;
      bit_we[i] = 1'b0;
      bit_waddr[i] = '0;
      bit_wdata[i] = '0;
      bit_wmask[i] = '0;
    end
    // input side
    bit_re[pp_q] = bg_valid;
    bit_raddr[pp_q] = bg_addr;
    bit_re1[0] = 1'b0;
    bit_re1[1] = 1'b0;
    bit_raddr1[0] = '0;
    bit_raddr1[1] = '0;
    bit_re1[pp_q] = bg1_valid;
    bit_raddr1[pp_q] = bg1_addr;
    byte_re1 = fg1_valid;
    byte_raddr1 = fg1_addr;
    byte_re = fg_valid || sp_valid;
    byte_rsel = pp_q;
    byte_raddr = fg_valid ? fg_addr : sp_addr;
    byte_we = 1'b0;
    byte_wsel = pp_q;
    byte_waddr = '0;
    byte_wdata = '0;
    byte_wmask = '0;
    if (st_q == S_INPUT && rsp) begin  // the image, pixel - 128
      byte_we = 1'b1;
      byte_waddr = ld_rcv << 3;
      byte_wdata[63:0] = mem_rsp_rdata_i ^ 64'h8080808080808080;
      byte_wmask[7:0] = 8'hff;
    end
    // output side: stage 3, or the transpose buffer's drain
    if (m_yv && !out_t) begin
      byte_we = 1'b1;
      byte_wsel = !pp_q;
      byte_waddr = m_yaddr;
      byte_wdata = y_bytes_w;
      byte_wmask = y_mask_w;
      bit_we[!pp_q] = nbin;
      bit_waddr[!pp_q] = m_yaddr;
      bit_wdata[!pp_q] = BW'(m_ybits);
      bit_wmask[!pp_q] = BW'(m_ymask);
    end
    if (tw_q) begin
      byte_we = 1'b1;
      byte_wsel = !pp_q;
      byte_waddr = 32'(tw_addr_q);
      byte_wdata = tw_bytes;
      byte_wmask = tw_mask;
      bit_we[!pp_q] = nbin;
      bit_waddr[!pp_q] = 32'(tw_addr_q);
      bit_wdata[!pp_q] = tw_bits;
      bit_wmask[!pp_q] = tw_mask;
    end
    if (st_q == S_DUMP_RD && !logits) begin
      byte_re = 1'b1;
      byte_rsel = !pp_q;
      byte_raddr = dump_beat_q << 3;
    end
  end

  // --------------------------------------------------------- memory port
  // the layer's counters (one per record word, counting the activity flags)
  logic [63:0] perf_word;
  logic loading;              // the memory loader requests a beat
  logic dump_gnt, rec_gnt;    // a dump beat, a record word written
  assign loading = ld_req;
  nb_mem_arbiter u_arb (
    .clk_i, .rst_ni,
    .rd_req_i(ld_req), .rd_addr_i(ld_addr), .rd_gnt_o(ld_gnt),
    .dump_req_i(st_q == S_DUMP_WR), .dump_addr_i(dump_ptr_q + (dump_beat_q << 3)),
    .dump_data_i(logits ? {{16{logit_out[47]}}, logit_out} : byte_rdata[63:0]), .dump_gnt_o(dump_gnt),
    .rec_req_i(st_q == S_PERF), .rec_addr_i(rec_ptr_q + (32'(step_q) << 3)), .rec_data_i(perf_word),
    .rec_gnt_o(rec_gnt),
    .mem_req_valid_o, .mem_req_ready_i, .mem_req_addr_o, .mem_req_we_o, .mem_req_wdata_o);

  // ------------------------------------------------------------ activity
  // One flag per condition the performance counters count (and two that are
  // only observed: the tile loader busy, a memory request waiting); the
  // counters count these flags, and act_o puts them out (rtl/spec/nb_hw.json).
  logic [nb_pkg::ActBits-1:0] act;
  always_comb begin
    act = '0;
    act[nb_pkg::ActCyc] = st_q != S_IDLE && st_q != S_DONE;
    act[nb_pkg::ActComp] = st_q == S_COMPUTE || st_q == S_DRAIN;
    act[nb_pkg::ActBin] = gb_valid;
    act[nb_pkg::ActFix] = fgb_valid || sm_valid_q;
    act[nb_pkg::ActLoad] = st_q == S_DESC || st_q == S_NDESC || st_q == S_INPUT || st_q == S_WAIT_TL
                           || st_q == S_PF_WAIT;
    act[nb_pkg::ActTl] = tl_q;
    act[nb_pkg::ActRd] = mem_req_valid_o && mem_req_ready_i && !mem_req_we_o;
    act[nb_pkg::ActWr] = mem_req_valid_o && mem_req_ready_i && mem_req_we_o && st_q != S_PERF;
    act[nb_pkg::ActStall] = mem_req_valid_o && !mem_req_ready_i;
    act[nb_pkg::ActDump] = st_q == S_DUMP_RD || st_q == S_DUMP_WR;
    act[nb_pkg::ActRec] = rec_gnt && step_q == 4'd0;
  end
  assign act_o = act;
  nb_perf_counters u_perf (.clk_i, .rst_ni, .act_i(act), .clear_i(st_q == S_IDLE && start_i),
                           .layer_end_i(st_q == S_LAYER_END), .sel_i(step_q[2:0]), .word_o(perf_word));

  // ------------------------------------------------------------ checks
  nb_pkg::err_e size_err;
  always_comb begin
    size_err = nb_pkg::ErrNone;
    // a form outside the specification's table, a shift outside its range or a
    // dot product wider than the binary lane's accumulator: refused (the
    // program reader refuses them too)
    if (!nb_pkg::legal_form(kind, skip, token) || 32'(sh) < nb_pkg::ShMin || 32'(sh) > nb_pkg::ShMax
        || kbin > 32'((1 << (nb_pkg::DotBits - 1)) - 1))
      size_err = nb_pkg::ErrLayer;
    else if (li_q == 16'd0 && kbin != 0) size_err = nb_pkg::ErrFirst;
    else if (d.in_elems > ActBytes || d.out_elems > ActBytes
             || d.kw > MaxKw || d.fix_row_bytes > 32'd8 * MaxFixEntries || (logits && classes32 > MaxClasses)
             || (token && d.windows > 32'(nb_pkg::MaxTokenCh)))
      size_err = nb_pkg::ErrSize;
  end
  // registered: the controller reads it in S_NDESC after the state's entry
  // cycle, and the descriptor it checks is in its register from that entry
  // on (asserted). Read combinationally, the compares sat in front of the
  // tile loader's start (5.0 ns: descriptor, size compares, tl_start, the
  // loader's entry register).
  nb_pkg::err_e size_err_q;
  always_ff @(posedge clk_i) size_err_q <= size_err;

  // ------------------------------------------------------- controller
  logic tile_last;
  assign tile_last = 32'(tile_q) + 32'(Lanes) >= 32'(rows);

  // The tile loader's jobs: a layer's first tile as it starts (after the
  // image, or after the descriptors shifted: everything, or only the
  // parameters when the weights came with the prefetch, and nothing when
  // the prefetch brought all of it, which it does but around token mixing);
  // as a tile starts computing, the next tile into the other bank, or after
  // the last one the next layer's first tile (prefetch).
  always_comb begin
    tl_start = 1'b0;
    tl_start_next = 1'b0;
    tl_start_params = 1'b0;
    tl_start_tile = 16'd0;
    tl_start_rows = rows_left(rows, 16'd0);
    tl_start_bank = 1'b0;
    if (st_q == S_INPUT && !entry_q && ld_idle) begin
      tl_start = 1'b1;
    end else if (st_q == S_NDESC && !entry_q && ld_idle && size_err_q == nb_pkg::ErrNone && li_q != 16'd0) begin
      tl_start = !pf_q || token || prev_tok_q;
      tl_start_params = pf_q;
      tl_start_bank = pf_q ? lbank : 1'b0;
    end else if (st_q == S_WAIT_TL && !tl_q) begin
      tl_start = (!tile_last || has_next) && !ws_ovf;
      tl_start_next = tile_last;
      tl_start_tile = tile_last ? 16'd0 : tile_q + 16'(Lanes);
      tl_start_rows = tile_last ? rows_left(nd.rows[15:0], 16'd0) : rows_left(rows, tile_q + 16'(Lanes));
      tl_start_bank = !lbank;
    end
  end

  // The controller's registers: next values (_d) worked out in one always_comb,
  // registered below (_q); the output pulses and flags are registers too.
  logic [BinStages-1:0] bl_d;
  logic blk_d;
  logic [BinStages-1:0] bv_d;
  logic cbank_d;
  logic [DescBits-1:0] d_raw_d;
  logic [31:0] desc_ptr_d;
  logic [$clog2(MergeLanes+1)-1:0] dl_lane_d;
  logic [LogitA-1:0] dl_row_d;
  logic done_q, done_d;
  logic [31:0] dump_beat_d;
  logic [31:0] dump_ptr_d;
  logic dump_d;
  logic entry_d;
  logic [7:0] error_code_q, error_code_d;
  logic error_q, error_d;
  logic [FixPipe-1:0] fl_d;
  logic [nb_pkg::SelStages-1:0] fpush_d;
  logic fresh_d;
  logic [FixPipe-1:0] fv_d;
  logic hdr_ok_d;
  logic [31:0] img_d;
  logic [31:0] in_d;
  logic [FC-1:0] inflight_d;
  logic layer_done_q, layer_done_d;
  logic [15:0] layer_idx_q, layer_idx_d;
  logic [15:0] li_d;
  logic [LogitA-1:0] lrow_d;
  logic [31:0] merged_d;
  logic [3:0] mode_d;
  logic [DescBits-1:0] nd_raw_d;
  logic [31:0] nlayers_d;
  logic [DescBits-1:0] nnd_raw_d;
  logic [15:0] nrows_d;
  logic [31:0] out_d;
  logic pend_d;
  logic pf_d;
  logic pool_active_d;
  logic [31:0] pool_ptr_d;
  logic pp_d;
  logic prev_tok_d;
  logic [31:0] prog_d;
  logic [31:0] rec_ptr_d;
  logic sm_last_d;
  logic sm_valid_d;
  state_e st_d;
  logic [3:0] step_d;
  logic tbank_d;
  logic [TA-1:0] tblk_d;
  logic [15:0] tile_d;
  logic [2:0] tp_f_d;
  logic tp_v_d;
  logic [TA-1:0] tpos_d;
  logic [TQ-1:0] tq_d;
  logic tr_active_d;
  logic [TA-1:0] trow_d;
  logic tw_d;
  always_comb begin
    bl_d = bl_q;
    blk_d = blk_q;
    bv_d = bv_q;
    cbank_d = cbank_q;
    d_raw_d = d_raw_q;
    desc_ptr_d = desc_ptr_q;
    dl_lane_d = dl_lane_q;
    dl_row_d = dl_row_q;
    dump_beat_d = dump_beat_q;
    dump_ptr_d = dump_ptr_q;
    dump_d = dump_q;
    error_code_d = error_code_q;
    error_d = error_q;
    fl_d = fl_q;
    fpush_d = fpush_q;
    fresh_d = fresh_q;
    fv_d = fv_q;
    hdr_ok_d = hdr_ok_q;
    img_d = img_q;
    in_d = in_q;
    inflight_d = inflight_q;
    layer_idx_d = layer_idx_q;
    li_d = li_q;
    lrow_d = lrow_q;
    merged_d = merged_q;
    mode_d = mode_q;
    nd_raw_d = nd_raw_q;
    nlayers_d = nlayers_q;
    nnd_raw_d = nnd_raw_q;
    nrows_d = nrows_q;
    out_d = out_q;
    pend_d = pend_q;
    pf_d = pf_q;
    pool_active_d = pool_active_q;
    pool_ptr_d = pool_ptr_q;
    pp_d = pp_q;
    prev_tok_d = prev_tok_q;
    prog_d = prog_q;
    rec_ptr_d = rec_ptr_q;
    sm_last_d = sm_last_q;
    sm_valid_d = sm_valid_q;
    st_d = st_q;
    step_d = step_q;
    tbank_d = tbank_q;
    tblk_d = tblk_q;
    tile_d = tile_q;
    tp_f_d = tp_f_q;
    tp_v_d = tp_v_q;
    tpos_d = tpos_q;
    tq_d = tq_q;
    tr_active_d = tr_active_q;
    trow_d = trow_q;
    tw_d = tw_q;
    // one-cycle pulses
    done_d = 1'b0;
    layer_done_d = 1'b0;
    entry_d = 1'b0;

    // ---- the controller's loads and the prefetched descriptor, as their beats arrive
    if (rsp) begin
      unique case (st_q)
        S_HDR: begin
          if (ld_rcv == 32'd1) hdr_ok_d = mem_rsp_rdata_i[31:0] == 32'(nb_pkg::ProgramVersion);
          if (ld_rcv == 32'd2) begin
            nlayers_d = mem_rsp_rdata_i[31:0];
            if (mem_rsp_rdata_i[63:32] != 32'(nb_pkg::DescWords * 4)) hdr_ok_d = 1'b0;
          end
          if (ld_rcv == 32'd3) begin
            desc_ptr_d = prog_q + mem_rsp_rdata_i[31:0];
            img_d = prog_q + mem_rsp_rdata_i[63:32];
          end
        end
        // descriptors shift in, beat 0 ending lowest (no decoder on 2,048 bits)
        S_DESC: begin
          d_raw_d = {mem_rsp_rdata_i, d_raw_q[DescBits-1:64]};
          mode_d = modes({mem_rsp_rdata_i, d_raw_q[DescBits-1:64]});
        end
        S_NDESC: nnd_raw_d = {mem_rsp_rdata_i, nnd_raw_q[DescBits-1:64]};
        default: if (tl_desc) nnd_raw_d = {mem_rsp_rdata_i, nnd_raw_q[DescBits-1:64]};
      endcase
    end

    // ---- issue, engines, FIFOs, merge (free running)
    sm_valid_d = sp_valid;
    sm_last_d = sp_last;
    bv_d = {bv_q[BinStages-2:0], gb_valid};
    bl_d = {bl_q[BinStages-2:0], gb_last};
    fv_d = {fv_q[FixPipe-2:0], fgb_valid};
    fl_d = {fl_q[FixPipe-2:0], fgb_last};
    if (mac_v) fresh_d = mac_last;
    else if (sm_valid_q) fresh_d = sm_last_q;
    fpush_d = {fpush_q[nb_pkg::SelStages-2:0], (mac_v && mac_last) || (sm_valid_q && sm_last_q)};
    if (sp_valid && use_pool) begin
      if (sp_last) pool_active_d = 1'b0;
      pool_ptr_d = pool_ptr_q + in_c32;
    end
    inflight_d = inflight_q + ((issue || (st_q == S_COMPUTE && use_pool && !pool_active_q && iss_n == 0)) ? FC'(1) : FC'(0))
                  - (pop ? FC'(1) : FC'(0));
    if (pop) begin
      merged_d = merged_q + (32'd1 << pair_q);
    end
    // the ring of token rows: a tile's first four positions, then merged_q + 4
    if ((st_q == S_COMPUTE || st_q == S_DRAIN) && tp_f_q < 3'd4) tp_f_d = tp_f_q + 3'd1;
    tp_v_d = token && (st_q == S_COMPUTE || st_q == S_DRAIN);
    // transposed outputs: stage 3's place in its block, a completed block, the drain
    if (m_yv && out_t && m_ylast) begin
      tpos_d = tpos_q + 1'b1;
      if (tblk_done) begin
        tq_d = '0;
        tbank_d = !tbank_q;
        tblk_d = tblk_q + TA'(TB);
      end else begin
        tq_d = tq_q + 1'b1;
      end
    end
    blk_d = tblk_done;
    if (tr_start) tr_active_d = 1'b1;
    else if (tr_last) tr_active_d = 1'b0;
    if (blk_q && tr_active_q && !tr_last) pend_d = 1'b1;
    else if (tr_start) pend_d = 1'b0;
    tw_d = tr_active_q;
    if (m_zv && logits) lrow_d = lrow_q + 1'b1;

    // ---- state machine
    unique case (st_q)
      S_IDLE: if (start_i) begin
        prog_d = prog_base_i;
        in_d = in_base_i;
        out_d = out_base_i;
        rec_ptr_d = out_base_i;
        dump_d = dump_en_i;
        li_d = '0;
        pp_d = 1'b0;
        pf_d = 1'b0;
        error_d = 1'b0;
        error_code_d = '0;
        st_d = S_HDR;
        entry_d = 1'b1;
          end
      S_HDR, S_DESC, S_NDESC, S_INPUT: begin
        // (the memory loader is armed at the state's entry; its idle,
        // not its done: the owner's active term, from st_q, is this
        // state's, and left out of the path into the tile loader's start)
        if (!entry_q && ld_idle) begin
          unique case (st_q)
            S_HDR: begin
              if (!hdr_ok_q) begin
                error_d = 1'b1;
                error_code_d = nb_pkg::ErrVersion;
                layer_idx_d = '0;
                st_d = S_DONE;
              end else begin
                st_d = S_DESC;
                entry_d = 1'b1;
              end
            end
            S_DESC: begin
              st_d = S_NDESC;
              entry_d = 1'b1;
            end
            S_NDESC: begin
              if (size_err_q != 0) begin
                error_d = 1'b1;
                error_code_d = size_err_q;
                layer_idx_d = li_q;
                st_d = S_DONE;
              end else if (li_q == 16'd0) begin
                st_d = S_INPUT;
                entry_d = 1'b1;
                nd_raw_d = nnd_raw_q;
                dump_ptr_d = out_q + (nlayers_q << 6);
              end else begin
                // tile 0: prefetched during the last layer but for its
                // next-layer tau/neg (StepTau, StepNeg), or loaded whole
                st_d = S_WAIT_TL;
                tile_d = '0;
                nrows_d = rows_left(rows, 16'd0);
                pf_d = 1'b0;
              end
            end
            default: begin  // S_INPUT
              st_d = S_WAIT_TL;
              tile_d = '0;
              nrows_d = rows_left(rows, 16'd0);
              pf_d = 1'b0;
            end
          endcase
        end
      end
      S_WAIT_TL: if (!tl_q && ws_ovf) begin
        // resident weights that do not fit: a job's slot passed the end of
        // the weight memories (it was not written)
        error_d = 1'b1;
        error_code_d = nb_pkg::ErrWeights;
        layer_idx_d = li_q;
        st_d = S_DONE;
      end else if (!tl_q) begin
        // the tile is loaded: compute it from that bank, and load the next
        // tile, if any, into the other bank meanwhile
        cbank_d = lbank;
        st_d = S_COMPUTE;
        pool_ptr_d = 32'(tile_q);
        if (tile_q == 16'd0) lrow_d = '0;
        trow_d = tile_q == 16'd0 ? '0 : trow_next_q;
        tq_d = '0;
        tpos_d = '0;
        tblk_d = '0;
        merged_d = '0;
        tp_f_d = '0;
        pool_active_d = use_pool;
        // the tile loader starts on the next tile, or prefetches the next layer's first one
        if (tile_last && has_next) pf_d = 1'b1;
      end
      S_COMPUTE: begin
        if ((use_pool ? !pool_active_q : !iss_more)) st_d = S_DRAIN;
      end
      S_DRAIN: begin
        if (merged_q == pos_total && !m_zv && inflight_q == 0 && !tr_busy) begin
          if (tile_last) begin
            st_d = S_PF_WAIT;
            dump_beat_d = '0;
            step_d = '0;
          end else begin
            tile_d = tile_q + 16'(Lanes);
            nrows_d = rows_left(rows, tile_q + 16'(Lanes));
            st_d = S_WAIT_TL;
          end
        end
      end
      S_DUMP_RD: st_d = S_DUMP_WR;
      // The tile loader may be prefetching the next layer: it has the port
      // first, and a dump or perf write goes when the port is free.
      S_DUMP_WR: if (dump_gnt) begin
        if (dump_beat_q + 32'd1 == dump_beats) begin
          st_d = S_PERF;
          step_d = '0;
        end else begin
          dump_beat_d = dump_beat_q + 32'd1;
          st_d = S_DUMP_RD;
          if (32'(dl_lane_q) + 32'd1 == MergeLanes) begin
            dl_lane_d = '0;
            dl_row_d = dl_row_q + 1'b1;
          end else begin
            dl_lane_d = dl_lane_q + 1'b1;
          end
        end
      end
      S_PERF: if (rec_gnt) begin
        if (step_q == 4'd7) st_d = S_LAYER_END;
        step_d = step_q + 4'd1;
      end
      S_LAYER_END: begin
        layer_done_d = 1'b1;
        layer_idx_d = li_q;
        if (dump_q || logits) dump_ptr_d = dump_ptr_q + (dump_beats << 3);
        rec_ptr_d = rec_ptr_q + 32'(nb_pkg::RecordWords * 8);
        if (has_next) begin
          li_d = li_q + 16'd1;
          prev_tok_d = token;
          pp_d = !pp_q;
          d_raw_d = nd_raw_q;
          nd_raw_d = nnd_raw_q;
          mode_d = modes(nd);
          desc_ptr_d = desc_ptr_q + 32'(nb_pkg::DescWords * 4);
          st_d = S_NDESC;
          entry_d = 1'b1;
        end else begin
          st_d = S_DONE;
        end
      end
      // The layer ends when the next layer's first tile is in: its wait
      // counts here, the same with and without dumps, and the dump and the
      // descriptor fetch then have the memory port to themselves.
      S_PF_WAIT: if (!tl_q) begin
        st_d = (dump_q || logits) ? S_DUMP_RD : S_PERF;
        dl_row_d = '0;
        dl_lane_d = '0;
      end
      S_DONE: begin
        done_d = 1'b1;
        st_d = S_IDLE;
      end
      default: st_d = S_IDLE;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      st_q <= S_IDLE;
      step_q <= '0;
      entry_q <= 1'b0;
      prog_q <= '0;
      in_q <= '0;
      out_q <= '0;
      img_q <= '0;
      dump_q <= 1'b0;
      nlayers_q <= '0;
      hdr_ok_q <= 1'b0;
      desc_ptr_q <= '0;
      rec_ptr_q <= '0;
      li_q <= '0;
      pp_q <= 1'b0;
      tile_q <= '0;
      nrows_q <= '0;
      cbank_q <= 1'b0;
      pf_q <= 1'b0;
      prev_tok_q <= 1'b0;
      tp_f_q <= '0;
      tp_v_q <= 1'b0;
      lrow_q <= '0;
      dl_row_q <= '0;
      dl_lane_q <= '0;
      merged_q <= '0;
      inflight_q <= '0;
      pool_active_q <= 1'b0;
      pool_ptr_q <= '0;
      sm_valid_q <= 1'b0;
      bv_q <= '0;
      bl_q <= '0;
      fv_q <= '0;
      fl_q <= '0;
      fresh_q <= 1'b1;
      mode_q <= '0;
      fpush_q <= '0;
      tq_q <= '0;
      tbank_q <= 1'b0;
      tpos_q <= '0;
      tblk_q <= '0;
      trow_q <= '0;
      blk_q <= 1'b0;
      pend_q <= 1'b0;
      tr_active_q <= 1'b0;
      tw_q <= 1'b0;
      dump_beat_q <= '0;
      dump_ptr_q <= '0;
      done_q <= 1'b0;
      error_q <= 1'b0;
      error_code_q <= '0;
      layer_done_q <= 1'b0;
      layer_idx_q <= '0;
    end else begin
      bl_q <= bl_d;
      blk_q <= blk_d;
      bv_q <= bv_d;
      cbank_q <= cbank_d;
      desc_ptr_q <= desc_ptr_d;
      dl_lane_q <= dl_lane_d;
      dl_row_q <= dl_row_d;
      done_q <= done_d;
      dump_beat_q <= dump_beat_d;
      dump_ptr_q <= dump_ptr_d;
      dump_q <= dump_d;
      entry_q <= entry_d;
      error_code_q <= error_code_d;
      error_q <= error_d;
      fl_q <= fl_d;
      fpush_q <= fpush_d;
      fresh_q <= fresh_d;
      fv_q <= fv_d;
      hdr_ok_q <= hdr_ok_d;
      img_q <= img_d;
      in_q <= in_d;
      inflight_q <= inflight_d;
      layer_done_q <= layer_done_d;
      layer_idx_q <= layer_idx_d;
      li_q <= li_d;
      lrow_q <= lrow_d;
      merged_q <= merged_d;
      mode_q <= mode_d;
      nlayers_q <= nlayers_d;
      nrows_q <= nrows_d;
      out_q <= out_d;
      pend_q <= pend_d;
      pf_q <= pf_d;
      pool_active_q <= pool_active_d;
      pool_ptr_q <= pool_ptr_d;
      pp_q <= pp_d;
      prev_tok_q <= prev_tok_d;
      prog_q <= prog_d;
      rec_ptr_q <= rec_ptr_d;
      sm_valid_q <= sm_valid_d;
      st_q <= st_d;
      step_q <= step_d;
      tbank_q <= tbank_d;
      tblk_q <= tblk_d;
      tile_q <= tile_d;
      tp_f_q <= tp_f_d;
      tp_v_q <= tp_v_d;
      tpos_q <= tpos_d;
      tq_q <= tq_d;
      tr_active_q <= tr_active_d;
      trow_q <= trow_d;
      tw_q <= tw_d;
    end
  end
  always_ff @(posedge clk_i) begin
    d_raw_q <= d_raw_d;
    nd_raw_q <= nd_raw_d;
    nnd_raw_q <= nnd_raw_d;
    sm_last_q <= sm_last_d;
  end
  assign done_o = done_q;
  assign error_o = error_q;
  assign error_code_o = error_code_q;
  assign layer_done_o = layer_done_q;
  assign layer_idx_o = layer_idx_q;

  assign busy_o = st_q != S_IDLE;

  // ----------------------------------------------------------- assertions
  initial begin
    if (Lanes < 1 || Lanes > 64) $fatal(1, "nb_top: Lanes must be 1..64");
    if (MergeLanes < 1 || Lanes % MergeLanes != 0) $fatal(1, "nb_top: MergeLanes must divide Lanes");
    if (Macs != 1 && Macs != 2 && Macs != 4 && Macs != 8) $fatal(1, "nb_top: Macs must be 1, 2, 4 or 8");
    if (Wpl != 1 && Wpl != 2 && Wpl != 4) $fatal(1, "nb_top: Wpl must be 1, 2 or 4");
    if (nb_pkg::XnorStages < 2 || nb_pkg::PopStages != 1) $fatal(1, "nb_top: built for XnorStages >= 2, PopStages == 1");
    if (nb_pkg::MacStages != 3 || nb_pkg::SelStages != 2) $fatal(1, "nb_top: built for nb_mac_lane's MacStages == 3, SelStages == 2");
    if (MaxInflight > FifoDepth - 2) $fatal(1, "nb_top: MaxInflight must leave two FIFO entries");
    if (ActBytes % Banks != 0) $fatal(1, "nb_top: ActBytes must be a multiple of %0d", Banks);
  end
`ifndef SYNTHESIS
  // The token rows' contents as positions (the ring's write lands two
  // cycles after tp_v_q, as nb_lane_params writes it).
  // Each entry is tagged with the tile it was written for (a bit that
  // flips as each tile starts), so a row left from an earlier tile or
  // layer does not pass for this one's.
  logic [PosA-1:0] tsh_q [8];
  logic tsh_t_q [8];
  logic tile_tag_q, tp_t_q;
  logic tsh_v1_q, tsh_v2_q, tsh_t1_q, tsh_t2_q;
  logic [PosA-1:0] tsh_a1_q, tsh_a2_q;
  initial for (int i = 0; i < 8; i++) tsh_t_q[i] = 1'b1;   // no tile's: tile_tag_q starts at 0 ...
  initial tile_tag_q = 1'b1;                                // ... after the first tile's flip
  always_ff @(posedge clk_i) begin
    if (st_q == S_WAIT_TL && !tl_q) tile_tag_q <= !tile_tag_q;  // as merged_q and tp_f_q restart
    tp_t_q <= tile_tag_q;
    {tsh_v1_q, tsh_a1_q, tsh_t1_q} <= {tp_v_q, tp_a_q, tp_t_q};
    {tsh_v2_q, tsh_a2_q, tsh_t2_q} <= {tsh_v1_q, tsh_a1_q, tsh_t1_q};
    if (tsh_v2_q) begin
      tsh_q[tsh_a2_q[2:0]] <= tsh_a2_q;
      tsh_t_q[tsh_a2_q[2:0]] <= tsh_t2_q;
    end
  end
`endif
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(st_q == S_COMPUTE && iss_more != (iss_n < pos_total)))
        else $error("nb_top: registered iss_more differs from iss_n < windows");
      // the last MAC slice takes a window word or a select / pool byte, never both
      assert (!(mac_v && sm_valid_q)) else $error("nb_top: MAC word and select / pool byte in the same slice cycle");
      assert (!(st_q == S_NDESC && !entry_q && size_err_q != size_err))
        else $error("nb_top: the registered size check is stale in S_NDESC");
      assert (!(mem_rsp_valid_i && !(main_load || tl_q))) else $error("nb_top: unexpected memory response");
      assert (!(tl_start && !tl_start_params
                && (tl_start_next ? {went_nbin_q, went_nfix_q} != {went_nbin_d, went_nfix_d}
                                  : {went_bin_q, went_fix_q} != {went_bin_d, went_fix_d})))
        else $error("nb_top: a tile loader job's registered weight entries are stale");
      assert (!(main_load && tl_q)) else $error("nb_top: two loaders at once");
      assert (!(main_load && !entry_q && ld_idle != ld_done)) else $error("nb_top: the controller's load is idle but not done");
      assert (!(tl_start && tl_start_next && nmode_q != modes(nd))) else $error("nb_top: the next layer's registered modes are stale");
      assert (!(blk_q && pend_q)) else $error("nb_top: a transposed block complete while one waits to drain");
      assert (!(tp_v_q && tl_par))
        else $error("nb_top: a lane-parameter load while the token rows are written");
      assert (!(mgo && token && (tsh_q[merged_q[2:0]] != PosA'(merged_q) || tsh_t_q[merged_q[2:0]] != tile_tag_q)))
        else $error("nb_top: token row %0d holds position %0d of another tile or position, not %0d",
                    merged_q[2:0], tsh_q[merged_q[2:0]], merged_q);
      assert (!(mgo && token && tp_f_q != 3'd4))
        else $error("nb_top: a merge before the token rows' first four positions are in");
      assert (!(m_yv && !out_t && tw_q)) else $error("nb_top: stage 3 and the transpose drain write at once");
      // the FIFOs hold windows in flight (issued, not yet merged)
      assert (32'(acnt) <= 32'(inflight_q) && 32'(dcnt) <= 32'(inflight_q))
        else $error("nb_top: %0d / %0d windows in the FIFOs, %0d in flight", dcnt, acnt, inflight_q);
      // the dump and the record have the port to themselves (S_PF_WAIT)
      assert (!((st_q == S_DUMP_WR || st_q == S_PERF) && loading)) else $error("nb_top: a load during the dump");
    end
  end

  // ------------------------------------------------- functional coverage
  // Cover points counted by the coverage build (Verilator --coverage-user,
  // scripts/coverage.sh, docs/coverage.md); other builds ignore them.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // every controller state entered
      c_st_idle: cover (st_q == S_IDLE);
      c_st_hdr: cover (st_q == S_HDR);
      c_st_desc: cover (st_q == S_DESC);
      c_st_ndesc: cover (st_q == S_NDESC);
      c_st_input: cover (st_q == S_INPUT);
      c_st_wait_tl: cover (st_q == S_WAIT_TL);
      c_st_compute: cover (st_q == S_COMPUTE);
      c_st_drain: cover (st_q == S_DRAIN);
      c_st_dump_rd: cover (st_q == S_DUMP_RD);
      c_st_dump_wr: cover (st_q == S_DUMP_WR);
      c_st_perf: cover (st_q == S_PERF);
      c_st_layer_end: cover (st_q == S_LAYER_END);
      c_st_pf_wait: cover (st_q == S_PF_WAIT);
      c_st_done: cover (st_q == S_DONE);
      // layer kinds and modes, as a tile starts computing
      if (st_q == S_WAIT_TL && !tl_q) begin
        c_kind_conv: cover (kind == nb_pkg::KindConv);
        c_kind_blend_conv: cover (kind == nb_pkg::KindBlendConv);
        c_kind_blend_dense: cover (kind == nb_pkg::KindBlendDense);
        c_kind_avgpool: cover (kind == nb_pkg::KindAvgpool);
        c_kind_dense: cover (kind == nb_pkg::KindDense);
        c_skip_conv1x1: cover (use_bin && skip == nb_pkg::SkipConv1x1);
        c_skip_identity: cover (use_bin && use_sel);
        c_skip_conv3x3: cover (use_bin && skip == nb_pkg::SkipConv3x3);
        c_skip_dense: cover (use_bin && skip == nb_pkg::SkipDense);
        c_relu: cover (relu);
        c_logits: cover (logits);
        c_next_binary: cover (nbin);
        c_tile_partial: cover (nrows < 16'(Lanes));
        c_tile_more: cover (!tile_last);
        c_pair: cover (pair);
        c_pair_sel: cover (pair && use_sel);
        c_pair_mac: cover (pair && use_mac);
        c_token: cover (token);
      end
      // transposed outputs: every cycle (a drain never runs as a tile starts)
      c_out_t: cover (out_t && tw_q);
      c_out_t_partial: cover (out_t && tw_q && 32'(tw_n_q) < TB);
      c_out_t_pending: cover (out_t && pend_q);
      // the engines wait for a tile's load, the layer's end for the prefetch
      c_tl_wait_tile: cover (st_q == S_WAIT_TL && tl_q);
      c_tl_wait_prefetch: cover (st_q == S_PF_WAIT && tl_q);
      // the memory port: requests accepted, held (DRAM back-pressure: valid
      // without ready), the port idle while the memory is ready (ready
      // without valid); responses to either loader (every request of a
      // load issued, responses outstanding: nb_mem_loader's cover point)
      c_mem_rd: cover (mem_req_valid_o && mem_req_ready_i && !mem_req_we_o);
      c_mem_rd_stall: cover (mem_req_valid_o && !mem_req_ready_i && !mem_req_we_o);
      c_mem_dump_stall: cover (st_q == S_DUMP_WR && !mem_req_ready_i);
      c_mem_perf_stall: cover (st_q == S_PERF && !mem_req_ready_i);
      c_mem_wr: cover (mem_req_valid_o && mem_req_ready_i && mem_req_we_o);
      c_mem_ready_idle: cover (!mem_req_valid_o && mem_req_ready_i);
      c_mem_rsp_main: cover (rsp && main_load);
      c_mem_rsp_tile: cover (rsp && tl_q);
      // issue: a window waits for a window generator or for the in-flight
      // limit; one generator ready while the other is not
      c_iss_wait_bin: cover (st_q == S_COMPUTE && !use_pool && iss_more && use_bin && !bg_ready);
      c_iss_wait_fix: cover (st_q == S_COMPUTE && !use_pool && iss_more && use_mac && !fg_ready);
      c_iss_wait_inflight: cover (st_q == S_COMPUTE && iss_more && 32'(inflight_q) == MaxInflight);
      c_iss_bin_ready_fix_not: cover (st_q == S_COMPUTE && use_bin && use_mac && bg_ready && !fg_ready);
      c_iss_fix_ready_bin_not: cover (st_q == S_COMPUTE && use_bin && use_mac && fg_ready && !bg_ready);
      // merge: an acc without its dot, a dot without its acc, a window over
      // several lane groups
      c_mrg_wait_dot: cover (a_valid && use_bin && !d_valid);
      c_mrg_wait_acc: cover (d_valid && !a_valid);
      c_mrg_groups: cover (mgo && !m_ready);
      c_mrg_logits: cover (m_zv && logits);
      // error paths: each code; each cause of the version and size errors,
      // and a layer starting from its prefetched first tile, where the
      // descriptor is checked
      c_err_layer: cover (done_o && error_o && error_code_o == nb_pkg::ErrLayer);
      c_err_size: cover (done_o && error_o && error_code_o == nb_pkg::ErrSize);
      c_err_first: cover (done_o && error_o && error_code_o == nb_pkg::ErrFirst);
      c_err_version: cover (done_o && error_o && error_code_o == nb_pkg::ErrVersion);
      c_err_desc_bytes: cover (st_q == S_HDR && rsp && ld_rcv == 32'd2 && mem_rsp_rdata_i[63:32] != 32'(nb_pkg::DescWords * 4));
      if (st_q == S_NDESC && ld_done && !entry_q) begin
        c_err_kind: cover (size_err == nb_pkg::ErrLayer && kind > 3'd4);
        c_err_token: cover (size_err == nb_pkg::ErrSize && token && d.windows > 32'(nb_pkg::MaxTokenCh));
        c_err_form: cover (size_err == nb_pkg::ErrLayer && kind <= 3'd4 && !nb_pkg::legal_form(kind, skip, token));
        c_err_shift: cover (size_err == nb_pkg::ErrLayer && (32'(sh) < nb_pkg::ShMin || 32'(sh) > nb_pkg::ShMax));
        c_err_dot: cover (size_err == nb_pkg::ErrLayer && kbin > 32'((1 << (nb_pkg::DotBits - 1)) - 1));
        c_err_in_elems: cover (size_err == nb_pkg::ErrSize && d.in_elems > ActBytes);
        c_err_out_elems: cover (size_err == nb_pkg::ErrSize && d.out_elems > ActBytes);
        c_err_kw: cover (size_err == nb_pkg::ErrSize && d.kw > MaxKw);
        c_err_fix_row: cover (size_err == nb_pkg::ErrSize && d.fix_row_bytes > 32'd8 * MaxFixEntries);
        c_err_classes: cover (size_err == nb_pkg::ErrSize && logits && classes32 > MaxClasses);
        c_tl_from_prefetch: cover (size_err == nb_pkg::ErrNone && li_q != 16'd0 && pf_q);
      end
      c_run_no_dump: cover (st_q == S_PF_WAIT && !tl_q && !dump_q && !logits);
    end
  end
`endif
endmodule
