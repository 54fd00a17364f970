// NeuroBlend accelerator top: controller, window generators, binary engine
// (DSP48E2 logic-mode XNOR + popcount per lane), fixed-point MAC engine,
// merge/requantize unit, ping-pong activation buffers (int8 and bit-packed)
// and one 64-bit memory port. It runs a compiled program (.nbp,
// docs/program-format.md) from memory, layer by layer, output-channel tile
// by tile; the binary and fixed-point paths of a position run concurrently
// and meet in the merge unit. Architecture: docs/architecture.md.
module nb_top #(
  parameter int Lanes = 16,          // output channels per tile, both engines
  parameter int Wpl = 1,             // 48-bit words (DSP48E2 slices) per binary lane per cycle: 1, 2 or 4
  parameter int Macs = 8,            // int8 MACs per fixed-point lane per cycle: 1, 2, 4 or 8
  parameter int XnorImpl = 1,        // 1: DSP48E2 logic unit, 0: LUT fabric
  parameter int ActBytes = 65536,    // bytes per int8 activation buffer (bits per bit buffer)
  parameter int MaxKw = 96,          // 48-bit weight words per binary lane row
  parameter int MaxFixEntries = 128, // 8-byte weight entries per fixed-point lane row
  parameter int MaxClasses = 128
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  // control
  input  logic        start_i,
  input  logic [31:0] prog_base_i,   // the .nbp file in memory
  input  logic [31:0] in_base_i,     // uint8 image, HWC
  input  logic [31:0] out_base_i,    // perf records, then layer dumps (see docs/architecture.md)
  input  logic        dump_en_i,     // write every layer's output (else only the logits)
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
  input  logic [63:0] mem_rsp_rdata_i
);
  // int8 buffer banks: a run of Lanes bytes (merge writes, select / pool
  // reads) or 8 (image, dumps, MAC windows) in one access, no wider.
  localparam int Banks = Lanes <= 8 ? 8 : (Lanes <= 16 ? 16 : (Lanes <= 32 ? 32 : 64));
  localparam int Depth = ActBytes / Banks;
  localparam int UB = 48 * Wpl;                       // bits a binary lane takes per cycle
  localparam int BitBanks = Wpl == 1 ? 64 : (Wpl == 2 ? 128 : 256);
  localparam int BitDepth = ActBytes / BitBanks;
  localparam int KwE = (MaxKw + Wpl - 1) / Wpl;       // weight entries of Wpl words per lane
  localparam int FifoDepth = 8;
  localparam int MaxInflight = 6;
  localparam int MW = Macs * 8;

  typedef enum logic [3:0] {
    S_IDLE, S_HDR, S_DESC, S_NDESC, S_INPUT, S_WAIT_TL, S_COMPUTE, S_DRAIN,
    S_DUMP_RD, S_DUMP_WR, S_PERF, S_LAYER_END, S_PF_WAIT, S_DONE
  } state_e;
  // Error codes (error_code_o).
  localparam logic [7:0] E_LAYER = 8'd1;   // layer kind or axis not supported
  localparam logic [7:0] E_SIZE = 8'd2;    // a tensor, row or class count exceeds a buffer
  localparam logic [7:0] E_FIRST = 8'd3;   // the first layer has a binary path

  state_e st_q;
  logic [3:0] step_q;
  logic entry_q;  // first cycle in a load state

  // ---------------------------------------------------------------- program
  logic [31:0] prog_q, in_q, out_q, img_q;   // img: base of the memory image
  logic dump_q;
  logic [31:0] nlayers_q, desc_off_q;
  logic [31:0] d_q [32];   // current descriptor
  logic [31:0] nd_q [32];  // next descriptor
  logic [15:0] li_q;       // layer index
  logic pp_q;              // activation buffer holding this layer's input

  logic [2:0] kind;
  logic relu, logits, token;
  logic [3:0] skip;
  logic [15:0] in_h, in_w, in_c, out_h, out_w, out_c, kern, strd, padv, rows;
  logic [5:0] sh;
  logic [31:0] kbin, kw, kfix, rs_bytes, kmod;
  logic [UB-1:0] lastmask;   // valid bits of a window's last UB-bit word
  logic has_next, nbin;
  always_comb begin
    kind = d_q[0][2:0];
    relu = d_q[1][0];
    logits = d_q[1][1];
    token = d_q[1][2];
    skip = d_q[1][11:8];
    in_h = d_q[2][15:0];
    in_w = d_q[3][15:0];
    in_c = d_q[4][15:0];
    out_h = d_q[5][15:0];
    out_w = d_q[6][15:0];
    out_c = d_q[7][15:0];
    kern = d_q[8][15:0];
    strd = d_q[9][15:0];
    padv = d_q[10][15:0];
    sh = d_q[11][5:0];
    kbin = d_q[12];
    kw = d_q[13];
    kfix = d_q[14];
    rows = d_q[27][15:0];
    rs_bytes = (kfix + 32'd7) & ~32'd7;
    kmod = kbin % 32'(UB);
    lastmask = kmod == 0 ? {UB{1'b1}} : {UB{1'b1}} >> (32'(UB) - kmod);
    has_next = 32'(li_q) + 32'd1 < nlayers_q;
    nbin = has_next && nd_q[12] != 32'd0;
  end
  // Modes of the two engines.
  logic use_bin, use_mac, use_sel, use_pool;
  logic [15:0] fk, fs, fp;   // fixed-point window: kernel, stride, pad
  logic [15:0] bk, bp;       // binary window: kernel, pad (stride = strd)
  always_comb begin
    use_bin = kbin != 0;
    use_pool = kind == 3'd3;
    use_sel = skip == 4'd2;
    use_mac = !use_pool && !use_sel;
    bk = kind == 3'd1 ? 16'd3 : 16'd1;
    bp = kind == 3'd1 ? 16'd1 : 16'd0;
    fk = 16'd1;
    fs = strd;
    fp = 16'd0;
    if (kind == 3'd0) begin
      fk = kern;
      fp = padv;
    end else if (kind == 3'd1 && skip == 4'd3) begin
      fk = 16'd3;
      fp = 16'd1;
    end
  end

  // ------------------------------------------------------------- tiling
  // Weights and parameters are double-buffered: the tile loader fills bank
  // lbank_q with tile ltile_q while the engines compute tile tile_q from
  // bank cbank_q.
  logic [15:0] tile_q;        // first output channel of the tile being computed
  logic [15:0] nrows;         // lanes in use
  logic [15:0] ltile_q;       // first output channel of the tile being loaded
  logic [15:0] lnrows;
  logic cbank_q, lbank_q;
  logic tl_q, tl_entry_q;     // tile loader busy, first cycle of its step
  logic [3:0] lstep_q;        // tile loader step
  logic tl_next_q;            // the loader prefetches the next layer's first tile (from nd_q)
  logic pf_q;                 // bank lbank_q holds this layer's first tile, prefetched (steps 0-4)
  logic [31:0] pos_total;     // windows per tile
  // The descriptor the tile loader works from.
  logic [31:0] sd [32];
  logic [31:0] s_kw, s_rs;
  logic s_use_bin, s_use_mac;
  always_comb begin
    for (int w = 0; w < 32; w++) sd[w] = tl_next_q ? nd_q[w] : d_q[w];
    s_kw = sd[13];
    s_rs = (sd[14] + 32'd7) & ~32'd7;
    s_use_bin = sd[12] != 0;
    s_use_mac = sd[0][2:0] != 3'd3 && sd[1][11:8] != 4'd2;
  end
  always_comb begin
    nrows = (rows - tile_q > 16'(Lanes)) ? 16'(Lanes) : rows - tile_q;
    lnrows = (sd[27][15:0] - ltile_q > 16'(Lanes)) ? 16'(Lanes) : sd[27][15:0] - ltile_q;
    pos_total = use_pool ? 32'd1 : 32'(out_h) * 32'(out_w);
  end

  // ------------------------------------------------------------- counters
  logic [63:0] c_cyc_q, c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q;
  // c_cyc_q when the record's cycle word was written: the cycles after it
  // (the other record words, the layer's end) are carried into the next
  // layer, so the records add up to every cycle up to the last one.
  logic [63:0] c_snap_q;
  logic [31:0] dump_ptr_q;

  // -------------------------------------------------------- memory loader
  logic [31:0] ld_base_q, ld_beats_q, ld_iss_q, ld_rcv_q, ld_first_q;
  logic [15:0] ld_lane_q, ld_word_q;
  logic ld_done, main_load;
  assign main_load = st_q == S_HDR || st_q == S_DESC || st_q == S_NDESC || st_q == S_INPUT;
  assign ld_done = ld_rcv_q == ld_beats_q && !(main_load ? entry_q : tl_entry_q);

  // Load parameters of the current state and step.
  logic [31:0] cfg_start, cfg_beats, cfg_elem;
  logic cfg_skip;
  always_comb begin
    cfg_start = 32'd0;
    cfg_beats = 32'd0;
    cfg_elem = 32'd8;
    cfg_skip = 1'b0;
    unique case (st_q)
      S_HDR: begin cfg_start = prog_q; cfg_beats = 32'd8; end
      S_DESC: begin cfg_start = prog_q + desc_off_q + 32'd128 * 32'(li_q); cfg_beats = 32'd16; end
      S_NDESC: begin cfg_start = prog_q + desc_off_q + 32'd128 * (32'(li_q) + 32'd1); cfg_beats = 32'd16; end
      S_INPUT: begin cfg_start = in_q; cfg_beats = (32'(in_h) * 32'(in_w) * 32'(in_c) + 32'd7) >> 3; end
      default: if (tl_q) begin
        unique case (lstep_q)
          4'd0: begin  // binary weight rows
            cfg_skip = !s_use_bin;
            cfg_start = img_q + sd[16] + 32'd8 * s_kw * 32'(ltile_q);
            cfg_beats = s_kw * 32'(lnrows);
          end
          4'd1: begin  // int8 weight rows, 8-byte aligned rows
            cfg_skip = !s_use_mac;
            cfg_start = img_q + sd[17] + s_rs * 32'(ltile_q);
            cfg_beats = (s_rs >> 3) * 32'(lnrows);
          end
          4'd2: begin cfg_elem = 32'd4; cfg_start = img_q + sd[20] + 32'd4 * 32'(ltile_q); end  // M1
          4'd3: begin cfg_elem = 32'd4; cfg_start = img_q + sd[21] + 32'd4 * 32'(ltile_q); end  // M2
          4'd4: begin cfg_elem = 32'd8; cfg_start = img_q + sd[22] + 32'd8 * 32'(ltile_q); end  // bias
          4'd5: begin cfg_elem = 32'd2; cfg_skip = !nbin || tl_next_q; cfg_start = img_q + nd_q[18] + 32'd2 * 32'(ltile_q); end
          4'd6: begin cfg_elem = 32'd1; cfg_skip = !nbin || tl_next_q; cfg_start = img_q + nd_q[19] + 32'(ltile_q); end
          default: cfg_skip = 1'b1;
        endcase
        if (lstep_q >= 4'd2) cfg_beats = ((cfg_start & 32'd7) + cfg_elem * 32'(lnrows) + 32'd7) >> 3;
      end
    endcase
  end

  // Per-lane parameters of the tile.
  logic signed [17:0] m1_q [2][Lanes];
  logic signed [17:0] m2_q [2][Lanes];
  logic signed [47:0] bias_q [2][Lanes];
  logic signed [15:0] ntau_q [2][Lanes];
  logic nneg_q [2][Lanes];
  logic [47:0] logit_q [MaxClasses];

  logic rsp;
  assign rsp = mem_rsp_valid_i;

  // Array loads (M1, M2, bias, next tau, next neg): beat b of the load holds
  // 8 / elem elements; lane l takes slot l + first - b * (8 / elem).
  for (genvar l = 0; l < Lanes; l++) begin : g_lparam
    logic signed [31:0] slot;
    logic take;
    logic [2:0] s3;
    assign slot = 32'(l) + ld_first_q - ld_rcv_q * (32'd8 / cfg_elem);
    assign take = tl_q && rsp && lstep_q >= 4'd2 && slot >= 0 && slot < 32'd8 / cfg_elem
                  && 16'(l) < lnrows;
    assign s3 = slot[2:0];
    always_ff @(posedge clk_i) begin
      if (take) begin
        unique case (lstep_q)
          4'd2: m1_q[lbank_q][l] <= 18'(mem_rsp_rdata_i[s3[0]*32 +: 32]);
          4'd3: m2_q[lbank_q][l] <= 18'(mem_rsp_rdata_i[s3[0]*32 +: 32]);
          4'd4: bias_q[lbank_q][l] <= 48'(mem_rsp_rdata_i);
          4'd5: ntau_q[lbank_q][l] <= 16'(mem_rsp_rdata_i[s3[1:0]*16 +: 16]);
          4'd6: nneg_q[lbank_q][l] <= mem_rsp_rdata_i[s3*8];
          default: ;
        endcase
      end
    end
  end

  // ------------------------------------------------------------ buffers
  // Two int8 buffers and two bit buffers; pp_q selects this layer's input.
  logic byte_re [2];
  logic [31:0] byte_raddr [2];
  logic [Banks*8-1:0] byte_rdata [2];
  logic byte_we [2];
  logic [31:0] byte_waddr [2];
  logic [Banks*8-1:0] byte_wdata [2];
  logic [Banks-1:0] byte_wmask [2];
  logic bit_re [2];
  logic [31:0] bit_raddr [2];
  logic [BitBanks-1:0] bit_rdata [2];
  logic bit_we [2];
  logic [31:0] bit_waddr [2];
  logic [BitBanks-1:0] bit_wdata [2];
  logic [BitBanks-1:0] bit_wmask [2];
  for (genvar i = 0; i < 2; i++) begin : g_buf
    nb_run_ram #(.Banks(Banks), .Depth(Depth), .UnitBits(8)) u_bytes (
      .clk_i, .re_i(byte_re[i]), .raddr_i(byte_raddr[i]), .rdata_o(byte_rdata[i]),
      .we_i(byte_we[i]), .waddr_i(byte_waddr[i]), .wdata_i(byte_wdata[i]), .wmask_i(byte_wmask[i]));
    nb_run_ram #(.Banks(BitBanks), .Depth(BitDepth), .UnitBits(1)) u_bits (
      .clk_i, .re_i(bit_re[i]), .raddr_i(bit_raddr[i]), .rdata_o(bit_rdata[i]),
      .we_i(bit_we[i]), .waddr_i(bit_waddr[i]), .wdata_i(bit_wdata[i]), .wmask_i(bit_wmask[i]));
  end

  // ------------------------------------------------------ issue (windows)
  logic [15:0] iss_oy_q, iss_ox_q;
  logic [31:0] iss_n_q;     // windows issued in this tile
  logic [31:0] merged_q;    // windows merged in this tile
  logic [3:0] inflight_q;
  logic issue, pop;
  logic bg_ready, fg_ready;        // window front ends take a new position
  logic bg_valid, fg_valid;        // their buffer reads
  logic [31:0] bg_addr, fg_addr;
  // Select / pool reads: one run of Lanes bytes per cycle.
  logic sp_valid, sp_last;
  logic [31:0] sp_addr, pool_p_q;
  logic pool_active_q;

  always_comb begin
    issue = 1'b0;
    if (st_q == S_COMPUTE && !use_pool && iss_n_q < pos_total && 32'(inflight_q) < MaxInflight
        && (!use_bin || bg_ready) && (!use_mac || fg_ready))
      issue = 1'b1;
  end

  always_comb begin
    sp_valid = 1'b0;
    sp_last = 1'b0;
    sp_addr = 32'd0;
    if (use_sel && issue) begin
      sp_valid = 1'b1;
      sp_last = 1'b1;
      sp_addr = (32'(iss_oy_q) * 32'(in_w) + 32'(iss_ox_q)) * 32'(in_c) + 32'(tile_q);
    end else if (use_pool && pool_active_q) begin
      sp_valid = 1'b1;
      sp_last = pool_p_q + 32'd1 == 32'(in_h) * 32'(in_w);
      sp_addr = pool_p_q * 32'(in_c) + 32'(tile_q);
    end
  end

  // ------------------------------------------------------- binary engine
  logic gb_valid, gb_last;
  logic [UB-1:0] gb_word;
  /* verilator lint_off UNUSEDSIGNAL */  // a window has at most KwE words: the low bits index them
  logic [15:0] bword;        // word index within the window
  /* verilator lint_on UNUSEDSIGNAL */
  logic [1:0] bv_q, bl_q;    // valid / last through the two DSP stages
  nb_window #(.U(UB), .UnitBits(1)) u_bwin (
    .clk_i, .rst_ni, .start_i(issue && use_bin), .oy_i(iss_oy_q), .ox_i(iss_ox_q),
    .k_i(bk), .stride_i(strd), .pad_i(bp), .in_h_i(in_h), .in_w_i(in_w), .c_i(in_c), .ready_o(bg_ready),
    .rd_valid_o(bg_valid), .rd_addr_o(bg_addr), .rd_data_i(bit_rdata[pp_q][UB-1:0]),
    .word_valid_o(gb_valid), .word_o(gb_word), .word_last_o(gb_last), .word_idx_o(bword));

  logic signed [15:0] dot_w [Lanes];   // dot of each lane, at the window's last word
  logic bin_push;
  assign bin_push = bv_q[1] && bl_q[1];
  for (genvar l = 0; l < Lanes; l++) begin : g_blane
    logic [7:0] pc;
    logic [15:0] acc_q;
    logic [7:0] pcs [Wpl];
    // Wpl DSP48E2 slices per lane, each with its own 48-bit weight memory:
    // word w of a weight row sits in memory w % Wpl at entry w / Wpl.
    for (genvar j = 0; j < Wpl; j++) begin : g_dsp
      logic [47:0] wmem [2][KwE];
      logic [47:0] p;
      logic [5:0] c;
      always_ff @(posedge clk_i) begin
        if (tl_q && lstep_q == 4'd0 && rsp && ld_lane_q == 16'(l) && 32'(ld_word_q) % Wpl == j)
          wmem[lbank_q][$clog2(KwE)'(32'(ld_word_q) / Wpl)] <= mem_rsp_rdata_i[47:0];
      end
      nb_dsp_xnor #(.Impl(XnorImpl)) u_xnor (
        .clk_i, .ce_i(1'b1), .ab_i(gb_word[j*48 +: 48]), .c_i(wmem[cbank_q][$clog2(KwE)'(bword)]), .p_o(p));
      // Bits past K in a window's last word are padding: not counted.
      nb_popcount u_pop (.x_i(p & (bl_q[1] ? lastmask[j*48 +: 48] : 48'hffff_ffff_ffff)), .count_o(c));
      assign pcs[j] = 8'(c);
    end
    always_comb begin
      pc = '0;
      for (int j = 0; j < Wpl; j++) pc = pc + pcs[j];
    end
    // dot = 2 * matches - K (DESIGN §4).
    always_comb dot_w[l] = 16'(32'd2 * (32'(acc_q) + 32'(pc)) - kbin);
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) acc_q <= '0;
      else if (bv_q[1]) acc_q <= bl_q[1] ? 16'd0 : acc_q + 16'(pc);
    end
  end

  // --------------------------------------------------- fixed-point engine
  logic fgb_valid, fgb_last;
  logic [MW-1:0] fgb_word;
  logic [15:0] fword;
  logic sm_valid_q, sm_last_q;  // select / pool read in flight
  nb_window #(.U(Macs), .UnitBits(8)) u_fwin (
    .clk_i, .rst_ni, .start_i(issue && use_mac), .oy_i(iss_oy_q), .ox_i(iss_ox_q),
    .k_i(fk), .stride_i(fs), .pad_i(fp), .in_h_i(in_h), .in_w_i(in_w), .c_i(in_c), .ready_o(fg_ready),
    .rd_valid_o(fg_valid), .rd_addr_o(fg_addr), .rd_data_i(byte_rdata[pp_q][MW-1:0]),
    .word_valid_o(fgb_valid), .word_o(fgb_word), .word_last_o(fgb_last), .word_idx_o(fword));

  logic fv_q, fl_q;            // MAC product stage
  logic signed [31:0] acc_w [Lanes];
  logic fix_push;
  assign fix_push = (fv_q && fl_q) || (sm_valid_q && sm_last_q);
  for (genvar l = 0; l < Lanes; l++) begin : g_flane
    logic [63:0] wmem [2][MaxFixEntries];
    logic [63:0] went;
    logic [MW-1:0] wsel;
    logic signed [31:0] psum, psum_q, acc_q;
    logic signed [7:0] lane_byte;
    nb_mac_lane #(.Macs(Macs)) u_mac (.a_i(fgb_word), .w_i(wsel), .psum_o(psum));
    always_ff @(posedge clk_i) begin
      if (tl_q && lstep_q == 4'd1 && rsp && ld_lane_q == 16'(l))
        wmem[lbank_q][$clog2(MaxFixEntries)'(ld_word_q)] <= mem_rsp_rdata_i;
    end
    always_comb begin
      went = wmem[cbank_q][$clog2(MaxFixEntries)'((32'(fword) * Macs) >> 3)];
      wsel = MW'(went >> (((32'(fword) * Macs) & 32'd7) * 8));
      lane_byte = signed'(byte_rdata[pp_q][l*8 +: 8]);
      // acc of the window: MAC stream, the selected byte, or the pooled sum.
      if (sm_valid_q) acc_w[l] = (use_pool ? acc_q : 32'd0) + 32'(lane_byte);
      else acc_w[l] = acc_q + psum_q;
    end
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        psum_q <= '0;
        acc_q <= '0;
      end else begin
        if (fgb_valid) psum_q <= psum;
        if (sm_valid_q) acc_q <= sm_last_q ? 32'd0 : acc_w[l];
        else if (fv_q) acc_q <= fl_q ? 32'd0 : acc_w[l];
      end
    end
  end

  // ------------------------------------------------------------- FIFOs
  logic signed [15:0] dfifo_q [FifoDepth][Lanes];
  logic signed [31:0] afifo_q [FifoDepth][Lanes];
  logic [2:0] dw_q, dr_q, aw_q, ar_q;
  logic [3:0] dcnt_q, acnt_q;
  assign pop = (st_q == S_COMPUTE || st_q == S_DRAIN) && acnt_q != 0 && (!use_bin || dcnt_q != 0);
  for (genvar l = 0; l < Lanes; l++) begin : g_fifo
    always_ff @(posedge clk_i) begin
      if (bin_push) dfifo_q[dw_q][l] <= dot_w[l];
      if (fix_push) afifo_q[aw_q][l] <= acc_w[l];
    end
  end

  // -------------------------------------------------------------- merge
  logic mv_q;                       // stage 2 valid
  logic [31:0] mpos_q;              // output position of stage 2
  logic signed [47:0] z_q [Lanes];
  logic [Banks*8-1:0] y_bytes;
  logic [Banks-1:0] y_mask;
  logic [BitBanks-1:0] y_bits, y_bmask;
  for (genvar l = 0; l < Lanes; l++) begin : g_merge
    logic signed [47:0] z;
    logic signed [63:0] t;
    nb_requant u_rq (.m1_i(m1_q[cbank_q][l]), .m2_i(m2_q[cbank_q][l]), .bias_i(bias_q[cbank_q][l]),
                     .dot_i(use_bin ? dfifo_q[dr_q][l] : 16'sd0), .acc_i(afifo_q[ar_q][l]), .z_o(z));
    logic signed [7:0] y;
    always_comb begin
      t = (64'(z_q[l]) + (64'sd1 <<< (sh - 6'd1))) >>> sh;
      if (t > 64'sd127) y = 8'sd127;
      else if (t < -64'sd128) y = -8'sd128;
      else y = 8'(t);
      if (relu && y < 0) y = 8'sd0;
    end
    always_ff @(posedge clk_i) if (pop) z_q[l] <= z;
    assign y_bytes[l*8 +: 8] = y;
    assign y_bits[l] = (16'(y) >= ntau_q[cbank_q][l]) ^ nneg_q[cbank_q][l];
    assign y_mask[l] = 16'(l) < nrows;
    assign y_bmask[l] = 16'(l) < nrows;
  end
  if (Banks > Lanes) begin : g_pad
    assign y_bytes[Banks*8-1:Lanes*8] = '0;
    assign y_mask[Banks-1:Lanes] = '0;
  end
  if (BitBanks > Lanes) begin : g_bpad
    assign y_bits[BitBanks-1:Lanes] = '0;
    assign y_bmask[BitBanks-1:Lanes] = '0;
  end

  // ------------------------------------------------ buffer port muxing
  logic [31:0] dump_beat_q, dump_beats;
  assign dump_beats = logits ? 32'(out_c) : (32'(out_h) * 32'(out_w) * 32'(out_c) + 32'd7) >> 3;
  always_comb begin
    for (int i = 0; i < 2; i++) begin
      byte_re[i] = 1'b0;
      byte_raddr[i] = '0;
      byte_we[i] = 1'b0;
      byte_waddr[i] = '0;
      byte_wdata[i] = '0;
      byte_wmask[i] = '0;
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
    byte_re[pp_q] = fg_valid || sp_valid;
    byte_raddr[pp_q] = fg_valid ? fg_addr : sp_addr;
    if (st_q == S_INPUT && rsp) begin  // the image, pixel - 128
      byte_we[pp_q] = 1'b1;
      byte_waddr[pp_q] = ld_rcv_q << 3;
      byte_wdata[pp_q][63:0] = mem_rsp_rdata_i ^ 64'h8080808080808080;
      byte_wmask[pp_q][7:0] = 8'hff;
    end
    // output side
    if (mv_q && !logits) begin
      byte_we[!pp_q] = 1'b1;
      byte_waddr[!pp_q] = mpos_q * 32'(out_c) + 32'(tile_q);
      byte_wdata[!pp_q] = y_bytes;
      byte_wmask[!pp_q] = y_mask;
      bit_we[!pp_q] = nbin;
      bit_waddr[!pp_q] = mpos_q * 32'(out_c) + 32'(tile_q);
      bit_wdata[!pp_q] = y_bits;
      bit_wmask[!pp_q] = y_bmask;
    end
    if (st_q == S_DUMP_RD && !logits) begin
      byte_re[!pp_q] = 1'b1;
      byte_raddr[!pp_q] = dump_beat_q << 3;
    end
  end

  // --------------------------------------------------------- memory port
  logic [63:0] perf_word;
  always_comb begin
    unique case (step_q[2:0])
      3'd0: perf_word = c_cyc_q;
      3'd1: perf_word = c_bin_q;
      3'd2: perf_word = c_fix_q;
      3'd3: perf_word = c_load_q;
      3'd4: perf_word = c_comp_q;
      3'd5: perf_word = c_rd_q;
      3'd6: perf_word = c_wr_q;
      default: perf_word = c_dump_q;
    endcase
  end
  logic loading;
  assign loading = ((main_load && !entry_q) || (tl_q && !tl_entry_q)) && ld_iss_q < ld_beats_q;
  always_comb begin
    mem_req_valid_o = 1'b0;
    mem_req_we_o = 1'b0;
    mem_req_addr_o = '0;
    mem_req_wdata_o = '0;
    if (loading) begin
      mem_req_valid_o = 1'b1;
      mem_req_addr_o = ld_base_q + (ld_iss_q << 3);
    end else if (st_q == S_DUMP_WR) begin
      mem_req_valid_o = 1'b1;
      mem_req_we_o = 1'b1;
      mem_req_addr_o = dump_ptr_q + (dump_beat_q << 3);
      mem_req_wdata_o = logits ? {{16{logit_q[dump_beat_q[$clog2(MaxClasses)-1:0]][47]}},
                                  logit_q[dump_beat_q[$clog2(MaxClasses)-1:0]]}
                               : byte_rdata[!pp_q][63:0];
    end else if (st_q == S_PERF) begin
      mem_req_valid_o = 1'b1;
      mem_req_we_o = 1'b1;
      mem_req_addr_o = out_q + 32'd64 * 32'(li_q) + (32'(step_q) << 3);
      mem_req_wdata_o = perf_word;
    end
  end

  // ------------------------------------------------------------ checks
  logic [7:0] size_err;
  always_comb begin
    size_err = 8'd0;
    if (kind > 3'd4 || (kind == 3'd2 && token)) size_err = E_LAYER;
    else if (li_q == 16'd0 && kbin != 0) size_err = E_FIRST;
    else if (32'(in_h) * 32'(in_w) * 32'(in_c) > ActBytes || 32'(out_h) * 32'(out_w) * 32'(out_c) > ActBytes
             || kw > MaxKw || rs_bytes > 32'd8 * MaxFixEntries || (logits && 32'(out_c) > MaxClasses))
      size_err = E_SIZE;
  end

  // ------------------------------------------------------- controller
  logic tile_last;
  assign tile_last = 32'(tile_q) + 32'(Lanes) >= 32'(rows);

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
      desc_off_q <= '0;
      li_q <= '0;
      pp_q <= 1'b0;
      tile_q <= '0;
      ltile_q <= '0;
      cbank_q <= 1'b0;
      lbank_q <= 1'b0;
      tl_q <= 1'b0;
      tl_entry_q <= 1'b0;
      lstep_q <= '0;
      tl_next_q <= 1'b0;
      pf_q <= 1'b0;
      ld_base_q <= '0;
      ld_beats_q <= '0;
      ld_iss_q <= '0;
      ld_rcv_q <= '0;
      ld_first_q <= '0;
      ld_lane_q <= '0;
      ld_word_q <= '0;
      iss_oy_q <= '0;
      iss_ox_q <= '0;
      iss_n_q <= '0;
      merged_q <= '0;
      inflight_q <= '0;
      pool_active_q <= 1'b0;
      pool_p_q <= '0;
      sm_valid_q <= 1'b0;
      bv_q <= '0;
      bl_q <= '0;
      fv_q <= 1'b0;
      fl_q <= 1'b0;
      dw_q <= '0;
      dr_q <= '0;
      aw_q <= '0;
      ar_q <= '0;
      dcnt_q <= '0;
      acnt_q <= '0;
      mv_q <= 1'b0;
      mpos_q <= '0;
      dump_beat_q <= '0;
      dump_ptr_q <= '0;
      c_snap_q <= '0;
      done_o <= 1'b0;
      error_o <= 1'b0;
      error_code_o <= '0;
      layer_done_o <= 1'b0;
      layer_idx_o <= '0;
      {c_cyc_q, c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q} <= '0;
    end else begin
      done_o <= 1'b0;
      layer_done_o <= 1'b0;
      entry_q <= 1'b0;

      // ---- performance counters of the layer
      if (st_q != S_IDLE && st_q != S_DONE) c_cyc_q <= c_cyc_q + 64'd1;
      if (gb_valid) c_bin_q <= c_bin_q + 64'd1;
      if (fgb_valid || sm_valid_q) c_fix_q <= c_fix_q + 64'd1;
      if (st_q == S_DESC || st_q == S_NDESC || st_q == S_INPUT || st_q == S_WAIT_TL || st_q == S_PF_WAIT)
        c_load_q <= c_load_q + 64'd1;
      if (st_q == S_COMPUTE || st_q == S_DRAIN) c_comp_q <= c_comp_q + 64'd1;
      if (mem_req_valid_o && mem_req_ready_i && !mem_req_we_o) c_rd_q <= c_rd_q + 64'd1;
      if (mem_req_valid_o && mem_req_ready_i && mem_req_we_o && st_q != S_PERF) c_wr_q <= c_wr_q + 64'd1;
      if (st_q == S_DUMP_RD || st_q == S_DUMP_WR) c_dump_q <= c_dump_q + 64'd1;

      // ---- loader: issue and receive
      if (loading && mem_req_ready_i) ld_iss_q <= ld_iss_q + 32'd1;
      if (rsp) begin
        ld_rcv_q <= ld_rcv_q + 32'd1;
        unique case (st_q)
          S_HDR: begin
            if (ld_rcv_q == 32'd2) nlayers_q <= mem_rsp_rdata_i[31:0];
            if (ld_rcv_q == 32'd3) begin
              desc_off_q <= mem_rsp_rdata_i[31:0];
              img_q <= prog_q + mem_rsp_rdata_i[63:32];
            end
          end
          S_DESC: begin
            d_q[5'(ld_rcv_q << 1)] <= mem_rsp_rdata_i[31:0];
            d_q[5'((ld_rcv_q << 1) + 32'd1)] <= mem_rsp_rdata_i[63:32];
          end
          S_NDESC: begin
            nd_q[5'(ld_rcv_q << 1)] <= mem_rsp_rdata_i[31:0];
            nd_q[5'((ld_rcv_q << 1) + 32'd1)] <= mem_rsp_rdata_i[63:32];
          end
          default: if (tl_q) begin
            // rows: lane and word counters
            if (lstep_q == 4'd0 || lstep_q == 4'd1) begin
              if (32'(ld_word_q) + 32'd1 == (lstep_q == 4'd0 ? s_kw : s_rs >> 3)) begin
                ld_word_q <= '0;
                ld_lane_q <= ld_lane_q + 16'd1;
              end else begin
                ld_word_q <= ld_word_q + 16'd1;
              end
            end
          end
        endcase
      end

      // ---- issue, engines, FIFOs, merge (free running)
      sm_valid_q <= sp_valid;
      sm_last_q <= sp_last;
      bv_q <= {bv_q[0], gb_valid};
      bl_q <= {bl_q[0], gb_last};
      fv_q <= fgb_valid;
      fl_q <= fgb_last;
      if (issue) begin
        iss_n_q <= iss_n_q + 32'd1;
        if (iss_ox_q + 16'd1 == out_w) begin
          iss_ox_q <= '0;
          iss_oy_q <= iss_oy_q + 16'd1;
        end else begin
          iss_ox_q <= iss_ox_q + 16'd1;
        end
      end
      if (sp_valid && use_pool) begin
        if (sp_last) pool_active_q <= 1'b0;
        pool_p_q <= pool_p_q + 32'd1;
      end
      inflight_q <= inflight_q + ((issue || (st_q == S_COMPUTE && use_pool && !pool_active_q && iss_n_q == 0)) ? 4'd1 : 4'd0)
                    - (pop ? 4'd1 : 4'd0);
      if (bin_push) dw_q <= dw_q + 3'd1;
      if (fix_push) aw_q <= aw_q + 3'd1;
      if (pop) begin
        dr_q <= use_bin ? dr_q + 3'd1 : dr_q;
        ar_q <= ar_q + 3'd1;
        mpos_q <= merged_q;
        merged_q <= merged_q + 32'd1;
      end
      dcnt_q <= dcnt_q + (bin_push ? 4'd1 : 4'd0) - ((pop && use_bin) ? 4'd1 : 4'd0);
      acnt_q <= acnt_q + (fix_push ? 4'd1 : 4'd0) - (pop ? 4'd1 : 4'd0);
      mv_q <= pop;
      if (mv_q && logits)
        for (int l = 0; l < Lanes; l++)
          if (16'(l) < nrows) logit_q[$clog2(MaxClasses)'(32'(tile_q) + 32'(l))] <= z_q[l];

      // ---- tile loader: weights and parameters of tile ltile_q into bank lbank_q
      if (tl_q) begin
        if (tl_entry_q || cfg_skip) begin
          ld_base_q <= cfg_start & ~32'd7;
          ld_beats_q <= cfg_skip ? 32'd0 : cfg_beats;
          ld_first_q <= (cfg_start & 32'd7) / cfg_elem;
          ld_iss_q <= '0;
          ld_rcv_q <= '0;
          ld_lane_q <= '0;
          ld_word_q <= '0;
          tl_entry_q <= 1'b0;
          if (cfg_skip) begin  // a step this layer does not need
            if (lstep_q == 4'd6) tl_q <= 1'b0;
            else begin
              lstep_q <= lstep_q + 4'd1;
              tl_entry_q <= 1'b1;
            end
          end
        end else if (ld_done) begin
          if (lstep_q == 4'd6) tl_q <= 1'b0;
          else begin
            lstep_q <= lstep_q + 4'd1;
            tl_entry_q <= 1'b1;
          end
        end
      end

      // ---- state machine
      unique case (st_q)
        S_IDLE: if (start_i) begin
          prog_q <= prog_base_i;
          in_q <= in_base_i;
          out_q <= out_base_i;
          dump_q <= dump_en_i;
          li_q <= '0;
          pp_q <= 1'b0;
          pf_q <= 1'b0;
          tl_next_q <= 1'b0;
          error_o <= 1'b0;
          error_code_o <= '0;
          st_q <= S_HDR;
          entry_q <= 1'b1;
          {c_cyc_q, c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q} <= '0;
        end
        S_HDR, S_DESC, S_NDESC, S_INPUT: begin
          if (entry_q) begin  // arm the loader for this state
            ld_base_q <= cfg_start & ~32'd7;
            ld_beats_q <= cfg_beats;
            ld_first_q <= '0;
            ld_iss_q <= '0;
            ld_rcv_q <= '0;
            ld_lane_q <= '0;
            ld_word_q <= '0;
          end else if (ld_done) begin
            unique case (st_q)
              S_HDR: begin
                st_q <= S_DESC;
                entry_q <= 1'b1;
              end
              S_DESC: begin
                st_q <= S_NDESC;
                entry_q <= 1'b1;
              end
              S_NDESC: begin
                if (size_err != 0) begin
                  error_o <= 1'b1;
                  error_code_o <= size_err;
                  layer_idx_o <= li_q;
                  st_q <= S_DONE;
                end else if (li_q == 16'd0) begin
                  st_q <= S_INPUT;
                  entry_q <= 1'b1;
                  dump_ptr_q <= out_q + 32'd64 * nlayers_q;
                end else begin
                  // tile 0: prefetched during the last layer but for its
                  // next-layer tau/neg (steps 5, 6), or loaded whole
                  st_q <= S_WAIT_TL;
                  tile_q <= '0;
                  ltile_q <= '0;
                  if (!pf_q) lbank_q <= 1'b0;
                  tl_q <= 1'b1;
                  tl_entry_q <= 1'b1;
                  tl_next_q <= 1'b0;
                  lstep_q <= pf_q ? 4'd5 : 4'd0;
                  pf_q <= 1'b0;
                end
              end
              default: begin  // S_INPUT
                st_q <= S_WAIT_TL;
                tile_q <= '0;
                ltile_q <= '0;
                lbank_q <= 1'b0;
                tl_q <= 1'b1;
                tl_entry_q <= 1'b1;
                tl_next_q <= 1'b0;
                lstep_q <= '0;
                pf_q <= 1'b0;
              end
            endcase
          end
        end
        S_WAIT_TL: if (!tl_q) begin
          // the tile is loaded: compute it from that bank, and load the next
          // tile, if any, into the other bank meanwhile
          cbank_q <= lbank_q;
          st_q <= S_COMPUTE;
          iss_oy_q <= '0;
          iss_ox_q <= '0;
          iss_n_q <= '0;
          merged_q <= '0;
          pool_p_q <= '0;
          pool_active_q <= use_pool;
          if (!tile_last) begin
            ltile_q <= tile_q + 16'(Lanes);
            lbank_q <= !lbank_q;
            tl_q <= 1'b1;
            tl_entry_q <= 1'b1;
            tl_next_q <= 1'b0;
            lstep_q <= '0;
          end else if (has_next) begin  // the next layer's first tile (weights, M1, M2, bias)
            ltile_q <= '0;
            lbank_q <= !lbank_q;
            tl_q <= 1'b1;
            tl_entry_q <= 1'b1;
            tl_next_q <= 1'b1;
            lstep_q <= '0;
            pf_q <= 1'b1;
          end
        end
        S_COMPUTE: begin
          if ((use_pool ? !pool_active_q : iss_n_q == pos_total)) st_q <= S_DRAIN;
        end
        S_DRAIN: begin
          if (merged_q == pos_total && !mv_q && inflight_q == 0) begin
            if (tile_last) begin
              st_q <= S_PF_WAIT;
              dump_beat_q <= '0;
              step_q <= '0;
            end else begin
              tile_q <= tile_q + 16'(Lanes);
              st_q <= S_WAIT_TL;
            end
          end
        end
        S_DUMP_RD: st_q <= S_DUMP_WR;
        // The tile loader may be prefetching the next layer: it has the port
        // first, and a dump or perf write goes when the port is free.
        S_DUMP_WR: if (mem_req_ready_i && !loading) begin
          if (dump_beat_q + 32'd1 == dump_beats) begin
            st_q <= S_PERF;
            step_q <= '0;
          end else begin
            dump_beat_q <= dump_beat_q + 32'd1;
            st_q <= S_DUMP_RD;
          end
        end
        S_PERF: if (mem_req_ready_i && !loading) begin
          if (step_q == 4'd0) c_snap_q <= c_cyc_q;
          if (step_q == 4'd7) st_q <= S_LAYER_END;
          step_q <= step_q + 4'd1;
        end
        S_LAYER_END: begin
          layer_done_o <= 1'b1;
          layer_idx_o <= li_q;
          {c_bin_q, c_fix_q, c_load_q, c_comp_q, c_rd_q, c_wr_q, c_dump_q} <= '0;
          c_cyc_q <= c_cyc_q + 64'd1 - c_snap_q;
          if (dump_q || logits) dump_ptr_q <= dump_ptr_q + (dump_beats << 3);
          if (has_next) begin
            li_q <= li_q + 16'd1;
            pp_q <= !pp_q;
            for (int w = 0; w < 32; w++) d_q[w] <= nd_q[w];
            st_q <= S_NDESC;
            entry_q <= 1'b1;
            tl_next_q <= 1'b0;
          end else begin
            st_q <= S_DONE;
          end
        end
        // The layer ends when the next layer's first tile is in: its wait
        // counts here, the same with and without dumps, and the dump and the
        // descriptor fetch then have the memory port to themselves.
        S_PF_WAIT: if (!tl_q) st_q <= (dump_q || logits) ? S_DUMP_RD : S_PERF;
        S_DONE: begin
          done_o <= 1'b1;
          st_q <= S_IDLE;
        end
        default: st_q <= S_IDLE;
      endcase
    end
  end

  assign busy_o = st_q != S_IDLE;

  // ----------------------------------------------------------- assertions
  initial begin
    if (Lanes < 1 || Lanes > 64) $fatal(1, "nb_top: Lanes must be 1..64");
    if (Macs != 1 && Macs != 2 && Macs != 4 && Macs != 8) $fatal(1, "nb_top: Macs must be 1, 2, 4 or 8");
    if (Wpl != 1 && Wpl != 2 && Wpl != 4) $fatal(1, "nb_top: Wpl must be 1, 2 or 4");
    if (ActBytes % BitBanks != 0) $fatal(1, "nb_top: ActBytes must be a multiple of %0d", BitBanks);
    if (ActBytes % Banks != 0) $fatal(1, "nb_top: ActBytes must be a multiple of %0d", Banks);
  end
`ifndef SYNTHESIS
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      assert (!(bin_push && dcnt_q == 4'(FifoDepth))) else $error("nb_top: dot FIFO overflow");
      assert (!(fix_push && acnt_q == 4'(FifoDepth))) else $error("nb_top: acc FIFO overflow");
      assert (!(mem_rsp_valid_i && !(main_load || tl_q))) else $error("nb_top: unexpected memory response");
      assert (!(main_load && tl_q)) else $error("nb_top: two loaders at once");
    end
  end
`endif
endmodule
